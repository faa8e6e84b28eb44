package outbox

import (
	"fmt"
	"strings"
	"sync"

	"github.com/dgraph-io/badger/v4"
)

// Result says what Apply did with a message.
type Result int

// Apply results. The zero Result means Apply failed.
const (
	_ Result = iota
	// Applied: the message was the next in its stream and is applied.
	Applied
	// Duplicate: the message was applied before; nothing was done.
	Duplicate
	// Gap: messages before this one are missing; nothing was done. The
	// sender must resend from Last+1.
	Gap
)

func (r Result) String() string {
	switch r {
	case Applied:
		return "applied"
	case Duplicate:
		return "duplicate"
	case Gap:
		return "gap"
	}
	return fmt.Sprintf("Result(%d)", int(r))
}

type stream struct{ sender, to string }

// Inbox records, per (sender, to) stream, the last sequence applied, and
// applies each message exactly once and in order. Only one Inbox may use a
// prefix at a time.
type Inbox struct {
	db     *badger.DB
	prefix string

	mu   sync.Mutex
	last map[stream]uint64 // mirror of the l/ keys
}

// OpenInbox opens the inbox under prefix in db.
func OpenInbox(db *badger.DB, prefix string) (*Inbox, error) {
	if err := checkSynced(db); err != nil {
		return nil, err
	}
	in := &Inbox{db: db, prefix: prefix, last: map[stream]uint64{}}
	lp := prefix + "l/"
	err := db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 64, Prefix: []byte(lp)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			s, err := parseLastKey(strings.TrimPrefix(string(item.Key()), lp))
			if err != nil {
				return err
			}
			if err := item.Value(func(v []byte) error {
				in.last[s], err = decodeSeq(v)
				return err
			}); err != nil {
				return fmt.Errorf("key %q: %w", item.Key(), err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("outbox: open inbox %q: %w", prefix, err)
	}
	return in, nil
}

func parseLastKey(rest string) (stream, error) {
	es, et, ok := strings.Cut(rest, "/")
	if !ok {
		return stream{}, fmt.Errorf("malformed inbox key %q", rest)
	}
	sender, err := unesc(es)
	if err != nil {
		return stream{}, fmt.Errorf("malformed inbox key %q: %w", rest, err)
	}
	to, err := unesc(et)
	if err != nil {
		return stream{}, fmt.Errorf("malformed inbox key %q: %w", rest, err)
	}
	return stream{sender, to}, nil
}

// Apply applies m if it is the next message of its (m.Sender, m.To)
// stream. apply (which may be nil) runs inside the Badger transaction that
// advances the stream's last-applied sequence, so its writes and the
// advance commit together or not at all; it must not commit or discard
// txn. An error from apply, or from the commit, applies nothing and
// returns a zero Result. Duplicates and gaps return no error.
func (in *Inbox) Apply(m Message, apply func(txn *badger.Txn) error) (Result, error) {
	if err := validAddr("sender", m.Sender, false); err != nil {
		return 0, err
	}
	if err := validAddr("recipient", m.To, true); err != nil {
		return 0, err
	}
	if m.Seq == 0 {
		return 0, fmt.Errorf("%w: message %q has sequence 0", ErrInvalid, m.ID)
	}
	s := stream{m.Sender, m.To}
	key := in.lastKey(m.Sender, m.To)

	in.mu.Lock()
	defer in.mu.Unlock()
	txn := in.db.NewTransaction(true)
	defer txn.Discard()
	last, err := getSeq(txn, key)
	if err != nil {
		return 0, fmt.Errorf("outbox: apply %s: %w", m.ID, err)
	}
	switch {
	case m.Seq <= last:
		return Duplicate, nil
	case m.Seq > last+1:
		return Gap, nil
	}
	if apply != nil {
		if err := apply(txn); err != nil {
			return 0, fmt.Errorf("outbox: apply %s: %w", m.ID, err)
		}
	}
	if err := txn.Set(key, encodeSeq(m.Seq)); err != nil {
		return 0, fmt.Errorf("outbox: apply %s: %w", m.ID, err)
	}
	if err := txn.Commit(); err != nil {
		return 0, fmt.Errorf("outbox: commit %s: %w", m.ID, err)
	}
	in.last[s] = m.Seq
	return Applied, nil
}

// Last is the last sequence applied from sender's stream to recipient to
// (0 before the first): the cumulative ack to send back.
func (in *Inbox) Last(sender, to string) uint64 {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.last[stream{sender, to}]
}
