package archive

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"fieldwatch/hub/alerts"
	"fieldwatch/hub/store"
	"fieldwatch/protocol/evidence"
)

type keyRecord struct {
	Key          string    `json:"key"`
	RegisteredAt time.Time `json:"registered_at"`
}

func keyKey(vehicle string) string { return "arch/key/" + vehicle }

// RegisterKey records a vehicle's public signing key the first time it is
// presented (the vehicle is authenticated by its device token). The same key
// again is fine; a different one is refused and alerted until an
// administrator resets it.
func (a *Archive) RegisterKey(vehicle, key string) error {
	if _, err := evidence.DecodeKey(key); err != nil {
		return fmt.Errorf("%w: %v", ErrRejected, err)
	}
	a.keyMu.Lock()
	defer a.keyMu.Unlock()
	var cur keyRecord
	err := a.db.Get(keyKey(vehicle), &cur)
	switch {
	case err == nil && cur.Key == key:
		return nil
	case err == nil:
		a.alert(alerts.KindKeyConflict, vehicle, "", fmt.Sprintf("vehicle presented signing key %s; registered key is %s",
			evidence.Fingerprint(key), evidence.Fingerprint(cur.Key)))
		return ErrKeyConflict
	case !errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("archive: %w", err)
	}
	if err := a.submit.Submit(RegisterKey{Vehicle: vehicle, Key: key, At: a.cfg.Now()}); err != nil {
		return err
	}
	a.log.Info("vehicle signing key registered", "vehicle", vehicle, "fingerprint", evidence.Fingerprint(key))
	return nil
}

// Key returns a vehicle's registered public key (base64).
func (a *Archive) Key(vehicle string) (string, error) {
	var cur keyRecord
	if err := a.db.Get(keyKey(vehicle), &cur); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return "", ErrNoKey
		}
		return "", fmt.Errorf("archive: %w", err)
	}
	return cur.Key, nil
}

// ResetKey forgets a vehicle's key (an administrator replaced the vehicle's storage or key).
func (a *Archive) ResetKey(vehicle string) error {
	a.keyMu.Lock()
	defer a.keyMu.Unlock()
	return a.submit.Submit(ResetKey{Vehicle: vehicle})
}

func (a *Archive) publicKey(vehicle string) (ed25519.PublicKey, error) {
	k, err := a.Key(vehicle)
	if err != nil {
		return nil, err
	}
	return evidence.DecodeKey(k)
}
