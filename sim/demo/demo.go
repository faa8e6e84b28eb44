// Package demo assembles a hub and simulated vehicles in one process: the
// `fieldwatch demo` command and the end-to-end tests.
package demo

import (
	"context"
	"errors"
	"log/slog"
)

// Options configure a demo.
type Options struct {
	HTTPAddr          string // default 127.0.0.1:8080; tests use 127.0.0.1:0
	DataDir           string // default: a new temporary directory
	Vehicles          int    // default 3
	CamerasPerVehicle int    // default 2
	Password          string // every seeded account's password; default random
	Logger            *slog.Logger
}

// Login is a seeded account.
type Login struct {
	Username, Password, Role, Unit string
}

// Demo is a running demo.
type Demo struct{}

// Start starts a demo hub and its simulated vehicles.
func Start(ctx context.Context, opts Options) (*Demo, error) {
	return nil, errors.New("demo: not assembled yet")
}

// URL is the console address, e.g. http://127.0.0.1:8080/.
func (d *Demo) URL() string { return "" }

// Logins lists the seeded accounts.
func (d *Demo) Logins() []Login { return nil }

// VehicleIDs lists the simulated vehicles.
func (d *Demo) VehicleIDs() []string { return nil }

// SetLink cuts (up=false) or restores a simulated vehicle's link.
func (d *Demo) SetLink(vehicle string, up bool) error { return errors.New("demo: not assembled yet") }

// Close stops everything and waits.
func (d *Demo) Close() error { return nil }
