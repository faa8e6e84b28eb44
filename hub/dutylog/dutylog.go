// Package dutylog is the duty log (sổ trực ban) of each unit: what the
// officer on duty records during the shift (events, equipment state,
// incidents, instructions received, actions), the open items carried from
// shift to shift, and the handover as an explicit act: the outgoing
// officer's summary and open items, accepted by the incoming officer. A
// daily duty report per unit is built from it. The duty day is the 24-hour
// shift from 08:00 to 08:00 (Decision 888, Art. 10), Vietnam time.
package dutylog

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
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
	ErrInvalid  = errkind.New(errkind.Invalid, "invalid", "dutylog: invalid entry")
	ErrUnknown  = errkind.New(errkind.NotFound, "not_found", "dutylog: no such record")
	ErrHandover = errkind.New(errkind.Conflict, "conflict", "dutylog: handover not possible")
)

// Entry kinds.
const (
	KindEvent       = "event"
	KindEquipment   = "equipment"
	KindIncident    = "incident"
	KindInstruction = "instruction"
	KindAction      = "action"
)

var kinds = []string{KindEvent, KindEquipment, KindIncident, KindInstruction, KindAction}

// Zone is Vietnam time; ShiftStart is when the duty day begins.
var Zone = vntime.Zone

// ShiftStart is the hour the 24-hour shift changes.
const ShiftStart = 8

// Shift names the duty day a time falls in ("2026-11-22" runs from 08:00
// on the 22nd to 08:00 on the 23rd, Vietnam time).
func Shift(t time.Time) string {
	return t.In(Zone).Add(-ShiftStart * time.Hour).Format("2006-01-02")
}

// Entry is one line of the duty log.
type Entry struct {
	ID     string    `json:"id"`
	Unit   string    `json:"unit"`
	Shift  string    `json:"shift"`
	Time   time.Time `json:"time"`
	By     string    `json:"by"`
	ByName string    `json:"by_name"`
	Kind   string    `json:"kind"`
	Text   string    `json:"text"`
	// Open entries are carried over to the next shifts until closed.
	Open     bool      `json:"open"`
	Closed   time.Time `json:"closed,omitzero"`
	ClosedBy string    `json:"closed_by,omitempty"`
}

// Handover is the change of shift: pending until the incoming officer accepts.
type Handover struct {
	ID        string    `json:"id"`
	Unit      string    `json:"unit"`
	Shift     string    `json:"shift"`
	From      string    `json:"from"`
	FromName  string    `json:"from_name"`
	Summary   string    `json:"summary"`
	OpenItems []Entry   `json:"open_items"` // as they stood at the handover
	Created   time.Time `json:"created"`
	To        string    `json:"to,omitempty"`
	ToName    string    `json:"to_name,omitempty"`
	Accepted  time.Time `json:"accepted,omitzero"`
	Note      string    `json:"note,omitempty"`
}

// Person is who writes or accepts.
type Person struct{ Username, Name, Unit string }

// Log is every unit's duty log. Its writes decide a command under its
// lock (checking it against the current state) and submit it; Apply
// applies each command in one transaction.
type Log struct {
	db     *store.DB
	now    func() time.Time
	submit command.Submitter
	mu     sync.Mutex
}

// Params build a Log.
type Params struct {
	DB *store.DB
	// Now is the clock; nil = time.Now.
	Now func() time.Time
	// Submitter takes the log's commands; nil = applied at once, here.
	Submitter command.Submitter
}

// New returns the log.
func New(p Params) *Log {
	l := &Log{db: p.DB, now: p.Now, submit: p.Submitter}
	if l.now == nil {
		l.now = time.Now
	}
	if l.submit == nil {
		l.submit = command.Local(l)
	}
	return l
}

func entryKey(unit, id string) string    { return "duty/e/" + unit + "/" + id }
func handoverKey(unit, id string) string { return "duty/h/" + unit + "/" + id }

// MaxText bounds an entry or a summary.
const MaxText = 4000

// Now is the log's clock.
func (l *Log) Now() time.Time { return l.now() }

// Add writes an entry in the author's unit, in the current shift.
func (l *Log) Add(p Person, kind, text string, open bool) (Entry, error) {
	text = strings.TrimSpace(text)
	switch {
	case !slices.Contains(kinds, kind):
		return Entry{}, fmt.Errorf("%w: kind %q (one of %s)", ErrInvalid, kind, strings.Join(kinds, ", "))
	case text == "" || utf8.RuneCountInString(text) > MaxText:
		return Entry{}, fmt.Errorf("%w: text of 1 to %d characters", ErrInvalid, MaxText)
	case p.Unit == "":
		return Entry{}, fmt.Errorf("%w: the author belongs to no unit", ErrInvalid)
	}
	now := l.now()
	e := Entry{ID: ids.New(), Unit: p.Unit, Shift: Shift(now), Time: now, By: p.Username, ByName: p.Name, Kind: kind, Text: text, Open: open}
	if err := l.submit.Submit(EntryWritten{Entry: e}); err != nil {
		return Entry{}, fmt.Errorf("dutylog: %w", err)
	}
	return e, nil
}

// Close closes an open entry (the matter is dealt with).
func (l *Log) Close(unit, id string, p Person) (Entry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var e Entry
	if err := l.db.Get(entryKey(unit, id), &e); err != nil {
		return e, fmt.Errorf("%w: entry %s", ErrUnknown, id)
	}
	if !e.Open {
		return e, nil
	}
	c := EntryClosed{Unit: unit, ID: id, By: p.Username, At: l.now()}
	if err := l.submit.Submit(c); err != nil {
		return e, fmt.Errorf("dutylog: %w", err)
	}
	e.Open, e.Closed, e.ClosedBy = false, c.At, c.By
	return e, nil
}

// Entries returns a unit's entries of a shift ("" = every shift), oldest first.
func (l *Log) Entries(unit, shift string) ([]Entry, error) {
	all, err := store.List[Entry](l.db, "duty/e/"+unit+"/")
	if err != nil {
		return nil, fmt.Errorf("dutylog: %w", err)
	}
	out := []Entry{}
	for _, e := range all {
		if shift == "" || e.Shift == shift {
			out = append(out, e)
		}
	}
	return out, nil
}

// Open returns a unit's open items, from every shift.
func (l *Log) Open(unit string) ([]Entry, error) {
	all, err := l.Entries(unit, "")
	if err != nil {
		return nil, err
	}
	out := []Entry{}
	for _, e := range all {
		if e.Open {
			out = append(out, e)
		}
	}
	return out, nil
}

// BeginHandover records the outgoing officer's summary with the unit's
// open items; one handover of a unit waits at a time.
func (l *Log) BeginHandover(p Person, summary string) (Handover, error) {
	summary = strings.TrimSpace(summary)
	if summary == "" || utf8.RuneCountInString(summary) > MaxText {
		return Handover{}, fmt.Errorf("%w: a summary of 1 to %d characters", ErrInvalid, MaxText)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if pending, _ := l.pending(p.Unit); pending != nil {
		return Handover{}, fmt.Errorf("%w: %s's handover of %s waits for acceptance", ErrHandover, pending.FromName, pending.Created.In(Zone).Format("15:04 02/01"))
	}
	open, err := l.Open(p.Unit)
	if err != nil {
		return Handover{}, err
	}
	now := l.now()
	h := Handover{ID: ids.New(), Unit: p.Unit, Shift: Shift(now), From: p.Username, FromName: p.Name, Summary: summary,
		OpenItems: open, Created: now}
	if err := l.submit.Submit(HandoverBegun{Handover: h}); err != nil {
		return Handover{}, fmt.Errorf("dutylog: %w", err)
	}
	return h, nil
}

// AcceptHandover is the incoming officer taking the shift; the outgoing
// officer cannot accept their own handover.
func (l *Log) AcceptHandover(unit, id string, p Person, note string) (Handover, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var h Handover
	if err := l.db.Get(handoverKey(unit, id), &h); err != nil {
		return h, fmt.Errorf("%w: handover %s", ErrUnknown, id)
	}
	switch {
	case !h.Accepted.IsZero():
		return h, fmt.Errorf("%w: already accepted by %s", ErrHandover, h.ToName)
	case h.From == p.Username:
		return h, fmt.Errorf("%w: the incoming officer accepts, not the outgoing one", ErrHandover)
	}
	c := HandoverAccepted{Unit: unit, ID: id, By: p.Username, ByName: p.Name, At: l.now(), Note: strings.TrimSpace(note)}
	if err := l.submit.Submit(c); err != nil {
		return h, fmt.Errorf("dutylog: %w", err)
	}
	h.To, h.ToName, h.Accepted, h.Note = c.By, c.ByName, c.At, c.Note
	return h, nil
}

// Handovers returns a unit's handovers, newest first.
func (l *Log) Handovers(unit string) ([]Handover, error) {
	all, err := store.List[Handover](l.db, "duty/h/"+unit+"/")
	if err != nil {
		return nil, fmt.Errorf("dutylog: %w", err)
	}
	slices.Reverse(all)
	if all == nil {
		all = []Handover{}
	}
	return all, nil
}

func (l *Log) pending(unit string) (*Handover, error) {
	all, err := l.Handovers(unit)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Accepted.IsZero() {
			return &all[i], nil
		}
	}
	return nil, nil
}

// Report is a unit's daily duty report.
type Report struct {
	Unit      string             `json:"unit"`
	Shift     string             `json:"shift"`
	From      time.Time          `json:"from"`
	To        time.Time          `json:"to"`
	Entries   map[string][]Entry `json:"entries"` // by kind
	Counts    map[string]int     `json:"counts"`
	Handovers []Handover         `json:"handovers"`
	Open      []Entry            `json:"open"` // still open at the end of the shift (or now)
	Officers  map[string]string  `json:"officers"`
}

// DailyReport builds the report of a unit's shift ("2026-11-22").
func (l *Log) DailyReport(unit, shift string) (Report, error) {
	day, err := time.ParseInLocation("2006-01-02", shift, Zone)
	if err != nil {
		return Report{}, fmt.Errorf("%w: shift %q (want YYYY-MM-DD)", ErrInvalid, shift)
	}
	from := day.Add(ShiftStart * time.Hour)
	r := Report{Unit: unit, Shift: shift, From: from, To: from.Add(24 * time.Hour), Entries: map[string][]Entry{},
		Counts: map[string]int{}, Handovers: []Handover{}, Open: []Entry{}, Officers: map[string]string{}}
	entries, err := l.Entries(unit, shift)
	if err != nil {
		return r, err
	}
	for _, e := range entries {
		r.Entries[e.Kind] = append(r.Entries[e.Kind], e)
		r.Counts[e.Kind]++
		r.Officers[e.By] = e.ByName
	}
	all, err := l.Entries(unit, "")
	if err != nil {
		return r, err
	}
	for _, e := range all {
		if e.Time.Before(r.To) && (e.Open || e.Closed.After(r.To)) {
			r.Open = append(r.Open, e)
		}
	}
	hs, err := l.Handovers(unit)
	if err != nil {
		return r, err
	}
	for _, h := range hs {
		if !h.Created.Before(r.From) && h.Created.Before(r.To) {
			r.Handovers = append(r.Handovers, h)
			r.Officers[h.From] = h.FromName
			if h.To != "" {
				r.Officers[h.To] = h.ToName
			}
		}
	}
	return r, nil
}

// Apply applies one of the domain's commands in one transaction.
func (l *Log) Apply(c command.Command) error {
	switch c := c.(type) {
	case EntryWritten:
		return l.db.Badger().Update(func(txn *badger.Txn) error { return store.SetJSON(txn, entryKey(c.Entry.Unit, c.Entry.ID), c.Entry) })
	case EntryClosed:
		return l.db.Badger().Update(func(txn *badger.Txn) error {
			var e Entry
			if err := get(txn, entryKey(c.Unit, c.ID), &e); err != nil {
				return err
			}
			if !e.Open {
				return nil // closed already
			}
			e.Open, e.Closed, e.ClosedBy = false, c.At, c.By
			return store.SetJSON(txn, entryKey(c.Unit, c.ID), e)
		})
	case HandoverBegun:
		return l.db.Badger().Update(func(txn *badger.Txn) error {
			return store.SetJSON(txn, handoverKey(c.Handover.Unit, c.Handover.ID), c.Handover)
		})
	case HandoverAccepted:
		return l.db.Badger().Update(func(txn *badger.Txn) error {
			var h Handover
			if err := get(txn, handoverKey(c.Unit, c.ID), &h); err != nil {
				return err
			}
			if !h.Accepted.IsZero() {
				if h.Accepted.Equal(c.At) && h.To == c.By {
					return nil // applied already
				}
				return fmt.Errorf("%w: already accepted by %s", ErrHandover, h.ToName)
			}
			h.To, h.ToName, h.Accepted, h.Note = c.By, c.ByName, c.At, c.Note
			return store.SetJSON(txn, handoverKey(c.Unit, c.ID), h)
		})
	}
	return fmt.Errorf("%w: %s", command.ErrUnknownKind, c.CommandKind())
}

func get(txn *badger.Txn, key string, v any) error {
	item, err := txn.Get([]byte(key))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return fmt.Errorf("%w: %s", ErrUnknown, key)
	} else if err != nil {
		return err
	}
	return item.Value(func(b []byte) error { return json.Unmarshal(b, v) })
}
