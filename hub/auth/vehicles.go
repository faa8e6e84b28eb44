package auth

import (
	"errors"
	"fmt"

	"fieldwatch/hub/store"
)

const (
	vehicleTokenPrefix = "vtoken/"
	revokedPrefix      = "vrevoked/" // digests of revoked tokens: a revoked token stays revoked even if configured again
)

func vehicleTokenKey(token string) string { return vehicleTokenPrefix + digest(token) }

// SetVehicleToken registers a vehicle's device token (replacing none: a
// vehicle may hold several until old ones are revoked).
func (s *Service) SetVehicleToken(vehicle, token string) error {
	if len(token) < 16 {
		return fmt.Errorf("%w: vehicle token too short", ErrBadToken)
	}
	return s.sub.Submit(VehicleTokenSetCmd{Vehicle: vehicle, Digest: digest(token)})
}

// IssueVehicleToken creates a new credential for a vehicle and returns it
// (once: only its digest is stored).
func (s *Service) IssueVehicleToken(vehicle string) (string, error) {
	tok := NewToken()
	return tok, s.SetVehicleToken(vehicle, tok)
}

// RevokeVehicleToken makes a vehicle token useless.
func (s *Service) RevokeVehicleToken(token string) error {
	return s.sub.Submit(VehicleTokenRevokeCmd{Digest: digest(token), At: s.p.Now().UTC()})
}

// RevokeVehicle makes every token of a vehicle useless; it returns how many.
func (s *Service) RevokeVehicle(vehicle string) (int, error) {
	n := 0
	err := s.db.Each(vehicleTokenPrefix, func(key string, raw []byte) error {
		if string(raw) == `"`+vehicle+`"` {
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if err := s.sub.Submit(VehicleRevokeCmd{Vehicle: vehicle, At: s.p.Now().UTC()}); err != nil {
		return 0, err
	}
	return n, nil
}

// Vehicle returns the vehicle a device token belongs to.
func (s *Service) Vehicle(token string) (string, error) {
	var id string
	if token == "" {
		return "", ErrBadToken
	}
	if err := s.db.Get(vehicleTokenKey(token), &id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return "", ErrBadToken
		}
		return "", err
	}
	return id, nil
}
