package calendar

import (
	"fieldwatch/hub/store"
)

// DBStore keeps overrides in the hub's database.
type DBStore struct{ DB *store.DB }

const overridePrefix = "calendar/"

// Overrides implements Store.
func (s DBStore) Overrides() ([]Override, error) { return store.List[Override](s.DB, overridePrefix) }

// PutOverride implements Store.
func (s DBStore) PutOverride(o Override) error { return s.DB.Put(overridePrefix+o.Date, o, 0) }

// DeleteOverride implements Store.
func (s DBStore) DeleteOverride(date string) error { return s.DB.Delete(overridePrefix + date) }
