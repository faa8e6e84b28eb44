package samples

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
	"fieldwatch/internal/errkind"
	"fieldwatch/internal/ids"
)

const listPrefix = "samplelist/"

// Kinds of list.
const (
	KindDeclaration = "declaration" // số tờ khai, doanh nghiệp, loại hình, luồng
	KindVehicle     = "vehicle"     // biển số, container
)

// Task results.
const (
	ResultNoFinding  = "no_finding"
	ResultSuspicious = "suspicious"
)

// ErrUnknown: no such list, task or unit (404 not_found). ErrDone: the
// task is closed already (409 conflict). ErrConflict: the state does not
// allow it now, such as nobody on duty to take the tasks (409 conflict).
var (
	ErrUnknown  = errkind.New(errkind.NotFound, "not_found", "samples: not found")
	ErrDone     = errkind.New(errkind.Conflict, "conflict", "samples: task already done")
	ErrConflict = errkind.New(errkind.Conflict, "conflict", "samples: conflict")
)

// Task is one drawn item to check.
type Task struct {
	N       int       `json:"n"` // 1-based
	Line    int       `json:"line"`
	Fields  []string  `json:"fields"`
	Officer string    `json:"officer"`
	Result  string    `json:"result,omitempty"` // empty while open
	Note    string    `json:"note,omitempty"`
	Done    time.Time `json:"done,omitzero"`
	DoneBy  string    `json:"done_by,omitempty"`
}

// List is an imported list with its draw.
type List struct {
	ID       string     `json:"id"`
	Unit     string     `json:"unit"`
	Day      string     `json:"day"`
	Kind     string     `json:"kind"`
	Name     string     `json:"name,omitempty"`
	Share    float64    `json:"share"` // percent
	Seed     uint64     `json:"seed,string"`
	Header   []string   `json:"header"`
	Items    int        `json:"items"`    // good rows
	BadRows  int        `json:"bad_rows"` // rows refused
	Errors   []RowError `json:"errors"`
	Officers []string   `json:"officers"` // on duty at import, in task order
	Tasks    []Task     `json:"tasks"`
	Created  time.Time  `json:"created"`
	By       string     `json:"by"`
}

// Import is what a new list needs.
type Import struct {
	Unit, Day, Kind, Name, By string
	Share                     float64
	// Seed of the draw; 0 = a fresh random one (recorded either way).
	Seed     uint64
	Table    *Table
	Officers []string
}

// Store keeps the lists. Reads go straight to the database; every write
// is a command handed to the submitter, which sees it applied (Apply).
type Store struct {
	db     *store.DB
	now    func() time.Time
	submit command.Submitter
	mu     sync.Mutex // serialises read-decide-submit
}

// Params build a Store.
type Params struct {
	DB *store.DB
	// Now is the clock; nil = time.Now.
	Now func() time.Time
	// Submit sees each command applied; nil = applied at once to this store.
	Submit command.Submitter
}

// Open returns the store of p.
func Open(p Params) *Store {
	if p.Now == nil {
		p.Now = time.Now
	}
	s := &Store{db: p.DB, now: p.Now, submit: p.Submit}
	if s.submit == nil {
		s.submit = command.Local(s)
	}
	return s
}

// New returns the store on db, applying its commands locally; now nil = time.Now.
func New(db *store.DB, now func() time.Time) *Store {
	return Open(Params{DB: db, Now: now})
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// Add draws the sample of a decoded list and stores it with its tasks.
func (s *Store) Add(in Import) (List, error) {
	switch {
	case in.Kind != KindDeclaration && in.Kind != KindVehicle:
		return List{}, fmt.Errorf("%w: kind %q (declaration or vehicle)", ErrInvalid, in.Kind)
	case !(in.Share > 0 && in.Share <= 100):
		return List{}, fmt.Errorf("%w: share %v: a percentage above 0, at most 100", ErrInvalid, in.Share)
	case len(in.Table.Rows) == 0:
		return List{}, fmt.Errorf("%w: no usable row (%d refused)", ErrInvalid, in.Table.BadRows)
	case len(in.Officers) == 0:
		return List{}, fmt.Errorf("%w: nobody on duty to take the tasks", ErrInvalid)
	case utf8Len(in.Name) > 200:
		return List{}, fmt.Errorf("%w: name longer than 200 characters", ErrInvalid)
	}
	if _, err := time.Parse(time.DateOnly, in.Day); err != nil {
		return List{}, fmt.Errorf("%w: day %q: YYYY-MM-DD", ErrInvalid, in.Day)
	}
	seed := in.Seed
	for seed == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:])
	}
	drawn := Draw(len(in.Table.Rows), in.Share, seed)
	owners := RoundRobin(len(drawn), in.Officers)
	l := List{ID: ids.New(), Unit: in.Unit, Day: in.Day, Kind: in.Kind, Name: strings.TrimSpace(in.Name), Share: in.Share, Seed: seed,
		Header: in.Table.Header, Items: len(in.Table.Rows), BadRows: in.Table.BadRows, Errors: in.Table.Errors,
		Officers: in.Officers, Tasks: make([]Task, len(drawn)), Created: s.now(), By: in.By}
	for i, d := range drawn {
		row := in.Table.Rows[d]
		l.Tasks[i] = Task{N: i + 1, Line: row.Line, Fields: row.Fields, Officer: owners[i]}
	}
	if err := s.submit.Submit(ListImported{List: l}); err != nil {
		return List{}, fmt.Errorf("samples: add list: %w", err)
	}
	return l, nil
}

func utf8Len(s string) int { return len([]rune(s)) }

// Get returns one list.
func (s *Store) Get(id string) (List, error) {
	var l List
	if err := s.db.Get(listPrefix+id, &l); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return l, fmt.Errorf("%w: list %s", ErrUnknown, id)
		}
		return l, fmt.Errorf("samples: list %s: %w", id, err)
	}
	return l, nil
}

// Lists returns the lists keep accepts, newest first.
func (s *Store) Lists(keep func(List) bool) ([]List, error) {
	all, err := store.List[List](s.db, listPrefix)
	if err != nil {
		return nil, fmt.Errorf("samples: lists: %w", err)
	}
	out := []List{}
	for _, l := range all {
		if keep == nil || keep(l) {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b List) int { return b.Created.Compare(a.Created) })
	return out, nil
}

// Finish closes task n of a list with a result; mayClose says whether the
// caller may close that task (its officer, or a leader).
func (s *Store) Finish(id string, n int, by, result, note string, mayClose func(List, Task) error) (List, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.Get(id)
	if err != nil {
		return l, err
	}
	if n < 1 || n > len(l.Tasks) {
		return l, fmt.Errorf("%w: task %d of list %s", ErrUnknown, n, id)
	}
	t := &l.Tasks[n-1]
	if err := mayClose(l, *t); err != nil {
		return l, err
	}
	switch {
	case t.Result != "":
		return l, fmt.Errorf("%w: task %d of list %s", ErrDone, n, id)
	case result != ResultNoFinding && result != ResultSuspicious:
		return l, fmt.Errorf("%w: result %q (no_finding or suspicious)", ErrInvalid, result)
	case result == ResultSuspicious && strings.TrimSpace(note) == "":
		return l, fmt.Errorf("%w: a suspicious result needs a note", ErrInvalid)
	case utf8Len(note) > 2000:
		return l, fmt.Errorf("%w: note longer than 2000 characters", ErrInvalid)
	}
	t.Result, t.Note, t.Done, t.DoneBy = result, strings.TrimSpace(note), s.now(), by
	if err := s.submit.Submit(TaskDone{List: l.ID, N: n, Result: t.Result, Note: t.Note, By: by, At: t.Done}); err != nil {
		return l, fmt.Errorf("samples: finish task %d of %s: %w", n, id, err)
	}
	return l, nil
}
