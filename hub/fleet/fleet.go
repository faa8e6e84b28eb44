// Package fleet is the hub's register of vehicles and their cameras: what
// may publish, under which unit, with which names.
package fleet

import (
	"errors"
	"fmt"
	"regexp"
	"sort"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
	"fieldwatch/internal/errkind"
)

// Errors.
var (
	ErrUnknownVehicle = errkind.New(errkind.NotFound, "unknown_camera", "fleet: unknown vehicle")
	ErrUnknownCamera  = errkind.New(errkind.NotFound, "unknown_camera", "fleet: unknown camera")
	ErrInvalid        = errkind.New(errkind.Invalid, "invalid", "fleet: invalid vehicle")
)

// Camera is one camera of a vehicle.
type Camera struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Vehicle is a command vehicle (or any field kit) registered at the hub.
type Vehicle struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Unit    string   `json:"unit"`
	Cameras []Camera `json:"cameras"`
}

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// Validate checks ids and names.
func (v Vehicle) Validate() error {
	if !idRE.MatchString(v.ID) {
		return fmt.Errorf("%w: id %q (lower-case letters, digits, - and _)", ErrInvalid, v.ID)
	}
	if v.Name == "" {
		return fmt.Errorf("%w: %s has no name", ErrInvalid, v.ID)
	}
	seen := map[string]bool{}
	for _, c := range v.Cameras {
		if !idRE.MatchString(c.ID) || seen[c.ID] {
			return fmt.Errorf("%w: %s camera id %q", ErrInvalid, v.ID, c.ID)
		}
		seen[c.ID] = true
	}
	return nil
}

// Camera returns one of the vehicle's cameras.
func (v Vehicle) Camera(id string) (Camera, bool) {
	for _, c := range v.Cameras {
		if c.ID == id {
			return c, true
		}
	}
	return Camera{}, false
}

// Fleet stores vehicles in the hub database.
type Fleet struct {
	db     *store.DB
	submit command.Submitter
}

// Params build a fleet.
type Params struct {
	DB *store.DB
	// Submit sees the fleet's commands applied; nil applies them to this
	// fleet at once.
	Submit command.Submitter
}

// New returns the fleet on db, applying its commands at once.
func New(db *store.DB) *Fleet { return Open(Params{DB: db}) }

// Open returns the fleet p describes.
func Open(p Params) *Fleet {
	f := &Fleet{db: p.DB, submit: p.Submit}
	if f.submit == nil {
		f.submit = command.Local(f)
	}
	return f
}

// Put registers or updates a vehicle.
func (f *Fleet) Put(v Vehicle) error {
	if err := v.Validate(); err != nil {
		return err
	}
	return f.submit.Submit(PutVehicle{Vehicle: v})
}

// UnitOf is the unit a vehicle belongs to.
func (f *Fleet) UnitOf(id string) (string, error) {
	v, err := f.Get(id)
	return v.Unit, err
}

// Get returns a vehicle.
func (f *Fleet) Get(id string) (Vehicle, error) {
	var v Vehicle
	if err := f.db.Get("vehicle/"+id, &v); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return v, fmt.Errorf("%w: %q", ErrUnknownVehicle, id)
		}
		return v, err
	}
	return v, nil
}

// Camera returns a vehicle's camera, with errors that say which is unknown.
func (f *Fleet) Camera(vehicle, camera string) (Vehicle, Camera, error) {
	v, err := f.Get(vehicle)
	if err != nil {
		return v, Camera{}, err
	}
	c, ok := v.Camera(camera)
	if !ok {
		return v, c, fmt.Errorf("%w: %s/%s", ErrUnknownCamera, vehicle, camera)
	}
	return v, c, nil
}

// List returns every vehicle, by id.
func (f *Fleet) List() ([]Vehicle, error) {
	all, err := store.List[Vehicle](f.db, "vehicle/")
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	return all, err
}
