// Package leave keeps officers' leave and unavailability periods (phép,
// ốm, công tác, khác): whole days in Vietnam time, entered by the unit's
// leaders and duty officers or by the officer himself. Roster generation
// reads them so that nobody on leave is put on duty.
package leave

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
	"fieldwatch/internal/errkind"
	"fieldwatch/internal/ids"
	"fieldwatch/internal/vntime"
)

// Errors, with the status and code clients get.
var (
	ErrInvalid = errkind.New(errkind.Invalid, "bad_request", "leave: invalid")
	ErrUnknown = errkind.New(errkind.NotFound, "not_found", "leave: no such leave")
)

// Kinds of absence.
const (
	KindLeave   = "phép"
	KindSick    = "ốm"
	KindMission = "công tác"
	KindOther   = "khác"
	maxNote     = 500
	maxDays     = 366
	keyPrefix   = "leave/"
	dateLayout  = time.DateOnly
)

// Kinds lists every kind, in display order.
var Kinds = []string{KindLeave, KindSick, KindMission, KindOther}

// Zone is Vietnam time, where leave days begin and end.
var Zone = vntime.Zone

// Leave is one officer's absence over whole days [From, To], both included.
type Leave struct {
	ID          string    `json:"id"`
	Officer     string    `json:"officer"`
	OfficerName string    `json:"officer_name"`
	Unit        string    `json:"unit"`
	From        string    `json:"from"` // YYYY-MM-DD
	To          string    `json:"to"`   // YYYY-MM-DD, included
	Kind        string    `json:"kind"`
	Note        string    `json:"note,omitempty"`
	EnteredBy   string    `json:"entered_by"`
	Entered     time.Time `json:"entered"`
}

// Period is the leave as a half-open time range: from 00:00 of its first
// day to 00:00 after its last day, Vietnam time.
func (l Leave) Period() (from, to time.Time) {
	f, _ := time.ParseInLocation(dateLayout, l.From, Zone)
	t, _ := time.ParseInLocation(dateLayout, l.To, Zone)
	return f, t.AddDate(0, 0, 1)
}

// Store keeps the leave records. Its writes submit commands; Apply
// applies them.
type Store struct {
	db     *store.DB
	now    func() time.Time
	submit command.Submitter
}

// Params build a Store.
type Params struct {
	DB *store.DB
	// Now is the clock; nil = time.Now.
	Now func() time.Time
	// Submitter takes the store's commands; nil = applied at once, here.
	Submitter command.Submitter
}

// New returns the store.
func New(p Params) *Store {
	s := &Store{db: p.DB, now: p.Now, submit: p.Submitter}
	if s.now == nil {
		s.now = time.Now
	}
	if s.submit == nil {
		s.submit = command.Local(s)
	}
	return s
}

// validate checks and normalises l.
func validate(l *Leave) error {
	l.Note = strings.TrimSpace(l.Note)
	l.Kind = strings.TrimSpace(l.Kind)
	f, err1 := time.ParseInLocation(dateLayout, l.From, Zone)
	t, err2 := time.ParseInLocation(dateLayout, l.To, Zone)
	switch {
	case l.Officer == "" || l.Unit == "":
		return fmt.Errorf("%w: officer and unit are required", ErrInvalid)
	case err1 != nil || err2 != nil:
		return fmt.Errorf("%w: from and to are dates YYYY-MM-DD", ErrInvalid)
	case t.Before(f):
		return fmt.Errorf("%w: to (%s) before from (%s)", ErrInvalid, l.To, l.From)
	case t.Sub(f) > maxDays*24*time.Hour:
		return fmt.Errorf("%w: at most %d days at a time", ErrInvalid, maxDays)
	case !slices.Contains(Kinds, l.Kind):
		return fmt.Errorf("%w: kind %q (one of %s)", ErrInvalid, l.Kind, strings.Join(Kinds, ", "))
	case utf8.RuneCountInString(l.Note) > maxNote:
		return fmt.Errorf("%w: note of at most %d characters", ErrInvalid, maxNote)
	}
	return nil
}

// Add stores a new leave period.
func (s *Store) Add(l Leave) (Leave, error) {
	if err := validate(&l); err != nil {
		return Leave{}, err
	}
	l.ID, l.Entered = ids.New(), s.now()
	if err := s.submit.Submit(Added{Leave: l}); err != nil {
		return Leave{}, fmt.Errorf("leave: add %s: %w", l.Officer, err)
	}
	return l, nil
}

// Get returns one leave record.
func (s *Store) Get(id string) (Leave, error) {
	var l Leave
	if err := s.db.Get(keyPrefix+id, &l); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return l, fmt.Errorf("%w: %s", ErrUnknown, id)
		}
		return l, fmt.Errorf("leave: get %s: %w", id, err)
	}
	return l, nil
}

// Delete removes a leave record, as by.
func (s *Store) Delete(id, by string) error {
	if _, err := s.Get(id); err != nil {
		return err
	}
	if err := s.submit.Submit(Removed{ID: id, By: by, At: s.now()}); err != nil {
		return fmt.Errorf("leave: delete %s: %w", id, err)
	}
	return nil
}

// Apply applies one of the domain's commands in one transaction.
func (s *Store) Apply(c command.Command) error {
	switch c := c.(type) {
	case Added:
		if err := validate(&c.Leave); err != nil {
			return err
		}
		data, err := json.Marshal(c.Leave)
		if err != nil {
			return err
		}
		return s.db.Badger().Update(func(txn *badger.Txn) error { return txn.Set([]byte(keyPrefix+c.Leave.ID), data) })
	case Removed:
		return s.db.Badger().Update(func(txn *badger.Txn) error {
			err := txn.Delete([]byte(keyPrefix + c.ID))
			if errors.Is(err, badger.ErrKeyNotFound) {
				return nil
			}
			return err
		})
	}
	return fmt.Errorf("%w: %s", command.ErrUnknownKind, c.CommandKind())
}

// List returns the leave records keep selects (nil = all), by first day.
func (s *Store) List(keep func(Leave) bool) ([]Leave, error) {
	all, err := store.List[Leave](s.db, keyPrefix)
	if err != nil {
		return nil, fmt.Errorf("leave: list: %w", err)
	}
	out := []Leave{}
	for _, l := range all {
		if keep == nil || keep(l) {
			out = append(out, l)
		}
	}
	slices.SortStableFunc(out, func(a, b Leave) int { return strings.Compare(a.From, b.From) })
	return out, nil
}

// Overlapping returns, per officer, the leave periods that overlap [from, to).
func (s *Store) Overlapping(from, to time.Time) (map[string][][2]time.Time, error) {
	all, err := s.List(nil)
	if err != nil {
		return nil, err
	}
	out := map[string][][2]time.Time{}
	for _, l := range all {
		f, t := l.Period()
		if f.Before(to) && from.Before(t) {
			out[l.Officer] = append(out[l.Officer], [2]time.Time{f, t})
		}
	}
	return out, nil
}
