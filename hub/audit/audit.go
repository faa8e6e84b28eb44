// Package audit is the hub's append-only audit log: who did what, from
// where and when (views of live and archive, exports, holds, logins...).
// Each record carries the hash of the one before it, so altering or
// removing a stored record breaks the chain and Verify finds it.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/store"
)

// Record is one audited action.
type Record struct {
	Seq    uint64    `json:"seq"`
	Time   time.Time `json:"time"`
	User   string    `json:"user"`
	Unit   string    `json:"unit"`
	Action string    `json:"action"` // e.g. archive.play, archive.export, archive.hold
	Object string    `json:"object"` // e.g. xe-01/cam1
	Detail string    `json:"detail"` // e.g. the time range
	From   string    `json:"from"`   // client address
	Prev   string    `json:"prev"`
	Hash   string    `json:"hash"`
}

func (r *Record) digest() string {
	var b strings.Builder
	for _, f := range []string{strconv.FormatUint(r.Seq, 10), r.Time.UTC().Format(time.RFC3339Nano), r.User, r.Unit,
		r.Action, r.Object, r.Detail, r.From, r.Prev} {
		b.WriteString(strconv.Quote(f))
		b.WriteByte('\n')
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// Log is the audit log.
type Log struct {
	db  *store.DB
	now func() time.Time
	sub command.Submitter

	mu   sync.Mutex
	seq  uint64
	prev string
}

const prefix = "audit/"

func key(seq uint64) string { return fmt.Sprintf("%s%020d", prefix, seq) }

// Option configures Open.
type Option func(*Log)

// WithSubmitter hands the log's appends to s (default: applied to the log
// at once).
func WithSubmitter(s command.Submitter) Option { return func(l *Log) { l.sub = s } }

// Open loads the chain's head; now dates the records (nil: time.Now).
func Open(db *store.DB, now func() time.Time, opts ...Option) (*Log, error) {
	if now == nil {
		now = time.Now
	}
	l := &Log{db: db, now: now}
	for _, o := range opts {
		o(l)
	}
	if l.sub == nil {
		l.sub = command.Local(l)
	}
	err := db.Each(prefix, func(_ string, raw []byte) error {
		var r Record
		if err := json.Unmarshal(raw, &r); err != nil {
			return err
		}
		l.seq, l.prev = r.Seq, r.Hash
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("audit: open: %w", err)
	}
	return l, nil
}

// Add appends a record (synced before it returns).
func (l *Log) Add(user, unit, action, object, detail, from string) error {
	return l.sub.Submit(AppendCmd{Time: l.now().UTC(), User: user, Unit: unit, Action: action, Object: object,
		Detail: detail, From: from})
}

// Apply appends a record: it takes the next number and chains to the
// head, so the same appends in the same order give the same chain.
func (l *Log) Apply(c command.Command) error {
	a, ok := c.(AppendCmd)
	if !ok {
		return fmt.Errorf("audit: %s is not a command of this domain", c.CommandKind())
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	r := Record{Seq: l.seq + 1, Time: a.Time, User: a.User, Unit: a.Unit, Action: a.Action, Object: a.Object,
		Detail: a.Detail, From: a.From, Prev: l.prev}
	r.Hash = r.digest()
	if err := l.db.Put(key(r.Seq), r, 0); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	l.seq, l.prev = r.Seq, r.Hash
	return nil
}

// Query selects records.
type Query struct {
	User, Action, Object string
	From, To             time.Time
	Limit                int
}

// Search returns matching records, newest first.
func (l *Log) Search(q Query) ([]Record, error) {
	if q.Limit <= 0 {
		q.Limit = 200
	}
	all, err := store.List[Record](l.db, prefix)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	var out []Record
	for i := len(all) - 1; i >= 0 && len(out) < q.Limit; i-- {
		r := all[i]
		if q.User != "" && r.User != q.User || q.Action != "" && !strings.HasPrefix(r.Action, q.Action) ||
			q.Object != "" && !strings.HasPrefix(r.Object, q.Object) ||
			!q.From.IsZero() && r.Time.Before(q.From) || !q.To.IsZero() && r.Time.After(q.To) {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

// Each calls fn with every stored record, oldest first.
func (l *Log) Each(fn func(rec any) error) error {
	return l.db.Each(prefix, func(k string, raw []byte) error {
		var r Record
		if err := json.Unmarshal(raw, &r); err != nil {
			return fmt.Errorf("audit: record %s: %w", k, err)
		}
		return fn(r)
	})
}

// ErrTampered: the stored chain does not verify.
var ErrTampered = errors.New("audit: log has been altered")

// Verify walks the whole chain and reports the first record that does not fit.
func (l *Log) Verify() error {
	var prev string
	var want uint64 = 1
	err := l.db.Each(prefix, func(k string, raw []byte) error {
		var r Record
		if err := json.Unmarshal(raw, &r); err != nil {
			return fmt.Errorf("%w: record %s unreadable", ErrTampered, k)
		}
		switch {
		case k != key(r.Seq) || r.Seq != want:
			return fmt.Errorf("%w: record %d missing or moved (found %s)", ErrTampered, want, k)
		case r.Prev != prev:
			return fmt.Errorf("%w: record %d does not follow record %d", ErrTampered, r.Seq, r.Seq-1)
		case r.digest() != r.Hash:
			return fmt.Errorf("%w: record %d was changed", ErrTampered, r.Seq)
		}
		prev, want = r.Hash, want+1
		return nil
	})
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if want-1 != l.seq {
		return fmt.Errorf("%w: %d records stored, %d written", ErrTampered, want-1, l.seq)
	}
	return nil
}

// Actor is who did something: an account's name and unit.
type Actor interface {
	AuditName() (username, unit string)
}

// Record adds what an actor did through an HTTP request (its address is
// kept). A failed write is logged, never hidden: the audit log is
// evidence, and its failure is an error for the operator.
func (l *Log) Record(r *http.Request, who Actor, action, object, detail string) {
	user, unit := who.AuditName()
	if err := l.Add(user, unit, action, object, detail, httpapi.ClientIP(r)); err != nil {
		slog.Error("audit log write failed", "action", action, "user", user, "err", err)
	}
}

// Clip shortens a text for an audit record: at most 80 characters, an
// ellipsis when cut.
func Clip(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}
