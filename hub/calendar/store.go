package calendar

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"fieldwatch/hub/store"
)

// Store keeps an administrator's entries (announced days off and working
// days), one per date. The calendar reads a year at a time and caches it,
// so a deadline never reads the store day by day.
type Store interface {
	// List returns the entries dated in a Gregorian year.
	List(year int) ([]Override, error)
	// Put adds or replaces the entry of o.Date.
	Put(o Override) error
	// Delete removes a date's entry; removing none is no error.
	Delete(date string) error
}

// DBStore keeps the entries in the hub's database, under
// "calendar/YYYY-MM-DD".
type DBStore struct{ DB *store.DB }

const dbPrefix = "calendar/"

// List implements Store.
func (s DBStore) List(year int) ([]Override, error) {
	return store.List[Override](s.DB, fmt.Sprintf("%s%04d-", dbPrefix, year))
}

// Put implements Store.
func (s DBStore) Put(o Override) error { return s.DB.Put(dbPrefix+o.Date, o, 0) }

// Delete implements Store.
func (s DBStore) Delete(date string) error { return s.DB.Delete(dbPrefix + date) }

// MemStore keeps the entries in memory: for tests, and for a calendar
// without a database. Safe for concurrent use.
type MemStore struct {
	mu sync.Mutex
	m  map[string]Override
}

// List implements Store.
func (s *MemStore) List(year int) ([]Override, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	prefix := fmt.Sprintf("%04d-", year)
	var out []Override
	for date, o := range s.m {
		if strings.HasPrefix(date, prefix) {
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out, nil
}

// Put implements Store.
func (s *MemStore) Put(o Override) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]Override{}
	}
	s.m[o.Date] = o
	return nil
}

// Delete implements Store.
func (s *MemStore) Delete(date string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, date)
	return nil
}
