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

// ErrRevoked: the token was revoked and cannot be registered again.
var ErrRevoked = errors.New("auth: vehicle token was revoked; issue a new one")

func vehicleTokenKey(token string) string { return vehicleTokenPrefix + digest(token) }

// SetVehicleToken registers a vehicle's device token (replacing none: a
// vehicle may hold several until old ones are revoked).
func (s *Service) SetVehicleToken(vehicle, token string) error {
	if len(token) < 16 {
		return fmt.Errorf("%w: vehicle token too short", ErrBadToken)
	}
	var was string
	if s.db.Get(revokedPrefix+digest(token), &was) == nil {
		return fmt.Errorf("%w (vehicle %s)", ErrRevoked, was)
	}
	return s.db.Put(vehicleTokenKey(token), vehicle, 0)
}

// IssueVehicleToken creates a new credential for a vehicle and returns it
// (once: only its digest is stored).
func (s *Service) IssueVehicleToken(vehicle string) (string, error) {
	tok := NewToken()
	return tok, s.SetVehicleToken(vehicle, tok)
}

// RevokeVehicleToken makes a vehicle token useless.
func (s *Service) RevokeVehicleToken(token string) error {
	var vehicle string
	if err := s.db.Get(vehicleTokenKey(token), &vehicle); err != nil {
		return nil
	}
	return s.revoke(vehicleTokenKey(token), vehicle)
}

func (s *Service) revoke(key, vehicle string) error {
	if err := s.db.Put(revokedPrefix+key[len(vehicleTokenPrefix):], vehicle, 0); err != nil {
		return err
	}
	return s.db.Delete(key)
}

// RevokeVehicle makes every token of a vehicle useless; it returns how many.
func (s *Service) RevokeVehicle(vehicle string) (int, error) {
	var keys []string
	err := s.db.Each(vehicleTokenPrefix, func(key string, raw []byte) error {
		if string(raw) == `"`+vehicle+`"` {
			keys = append(keys, key)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		if err := s.revoke(k, vehicle); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
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
