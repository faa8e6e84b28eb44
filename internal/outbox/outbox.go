package outbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Message is one queued message.
type Message struct {
	ID     string          `json:"id"` // sender + ">" + to + "/" + %020d seq; unique
	Sender string          `json:"sender"`
	Seq    uint64          `json:"seq"` // 1, 2, 3… per (sender, to) stream, no gaps
	To     string          `json:"to"`  // recipient address (opaque), may be empty
	Type   string          `json:"type"`
	Body   json.RawMessage `json:"body"`
	Queued time.Time       `json:"queued"` // UTC
}

// Stream names the message's (sender, recipient) stream, sender + ">" + to;
// the ID is the stream, "/" and the zero-padded sequence.
func (m Message) Stream() string { return m.Sender + ">" + m.To }

// ackBatch is how many messages one Ack deletes per transaction, far
// below Badger's transaction size limit.
const ackBatch = 1000

// Outbox is one sender's persistent queue of unacknowledged messages,
// one gap-free stream per recipient. Only one Outbox may use a prefix at a
// time.
type Outbox struct {
	db     *badger.DB
	prefix string
	sender string
	now    func() time.Time
	notify chan struct{}

	mu      sync.Mutex
	last    map[string]uint64 // last sequence assigned, per recipient
	pending map[string]int    // unacknowledged messages, per recipient
	total   int
}

// Open opens sender's outbox under prefix in db, restoring each stream's
// sequence and backlog. now stamps Message.Queued; nil means time.Now.
func Open(db *badger.DB, prefix, sender string, now func() time.Time) (*Outbox, error) {
	if err := validAddr("sender", sender, false); err != nil {
		return nil, err
	}
	if err := checkSynced(db); err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	o := &Outbox{db: db, prefix: prefix, sender: sender, now: now, notify: make(chan struct{}, 1),
		last: map[string]uint64{}, pending: map[string]int{}}
	if err := db.Update(o.claim); err != nil {
		return nil, fmt.Errorf("outbox: open %q: %w", prefix, err)
	}
	if err := db.View(o.load); err != nil {
		return nil, fmt.Errorf("outbox: open %q: %w", prefix, err)
	}
	return o, nil
}

// claim records the sender under the prefix, or checks it is the same.
func (o *Outbox) claim(txn *badger.Txn) error {
	item, err := txn.Get(o.senderKey())
	if errors.Is(err, badger.ErrKeyNotFound) {
		return txn.Set(o.senderKey(), []byte(o.sender))
	}
	if err != nil {
		return err
	}
	return item.Value(func(v []byte) error {
		if string(v) != o.sender {
			return fmt.Errorf("%w: %q, not %q", ErrSenderMismatch, v, o.sender)
		}
		return nil
	})
}

// load restores the last sequence and backlog of every stream.
func (o *Outbox) load(txn *badger.Txn) error {
	np := o.prefix + "n/"
	it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 64, Prefix: []byte(np)})
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		to, err := unesc(strings.TrimPrefix(string(item.Key()), np))
		if err != nil {
			it.Close()
			return fmt.Errorf("malformed key %q: %w", item.Key(), err)
		}
		if err := item.Value(func(v []byte) error {
			o.last[to], err = decodeSeq(v)
			return err
		}); err != nil {
			it.Close()
			return fmt.Errorf("key %q: %w", item.Key(), err)
		}
	}
	it.Close()

	mp := o.prefix + "m/"
	it = txn.NewIterator(badger.IteratorOptions{Prefix: []byte(mp)}) // keys only
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		to, seq, err := parseMsgKey(strings.TrimPrefix(string(it.Item().Key()), mp))
		if err != nil {
			return err
		}
		if seq > o.last[to] {
			return fmt.Errorf("message %d to %q is beyond the stream's last sequence %d", seq, to, o.last[to])
		}
		o.pending[to]++
		o.total++
	}
	return nil
}

// Sender is the address the outbox sends as.
func (o *Outbox) Sender() string { return o.sender }

// Enqueue appends a message with body encoded as JSON to the stream to
// recipient to, and returns it once it is on disk.
func (o *Outbox) Enqueue(to, typ string, body any) (Message, error) {
	if err := validAddr("recipient", to, true); err != nil {
		return Message{}, err
	}
	if typ == "" {
		return Message{}, fmt.Errorf("%w: empty message type", ErrInvalid)
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return Message{}, fmt.Errorf("outbox: encode %s body: %w", typ, err)
	}
	if len(raw) > MaxBody {
		return Message{}, fmt.Errorf("%w: %s body is %d bytes, limit %d", ErrTooLarge, typ, len(raw), MaxBody)
	}

	o.mu.Lock()
	defer o.mu.Unlock()
	seq := o.last[to] + 1
	m := Message{ID: messageID(o.sender, to, seq), Sender: o.sender, Seq: seq, To: to, Type: typ,
		Body: raw, Queued: o.now().UTC()}
	data, err := json.Marshal(m)
	if err != nil {
		return Message{}, fmt.Errorf("outbox: encode %s: %w", m.ID, err)
	}
	err = o.db.Update(func(txn *badger.Txn) error {
		if err := txn.Set(o.msgKey(to, seq), data); err != nil {
			return err
		}
		return txn.Set(o.nextKey(to), encodeSeq(seq))
	})
	if err != nil {
		return Message{}, fmt.Errorf("outbox: enqueue %s: %w", m.ID, err)
	}
	o.last[to] = seq
	o.pending[to]++
	o.total++
	select {
	case o.notify <- struct{}{}:
	default:
	}
	return m, nil
}

// Pending returns up to limit (all if limit <= 0) unacknowledged messages
// to recipient to, in Seq order. to == "" returns every stream's messages,
// grouped by recipient, each group in Seq order.
func (o *Outbox) Pending(to string, limit int) ([]Message, error) {
	prefix := o.streamPrefix(to)
	if to == "" {
		prefix = []byte(o.prefix + "m/")
	}
	size := 64
	if limit > 0 && limit < size {
		size = limit
	}
	var out []Message
	err := o.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: size, Prefix: prefix})
		defer it.Close()
		for it.Rewind(); it.Valid() && (limit <= 0 || len(out) < limit); it.Next() {
			var m Message
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &m) }); err != nil {
				return fmt.Errorf("decode %q: %w", it.Item().Key(), err)
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("outbox: pending for %q: %w", to, err)
	}
	return out, nil
}

// Ack drops every message to recipient to with Seq <= upTo (a cumulative
// acknowledgement). A stale ack is a no-op; an ack beyond the last
// sequence assigned is ErrAckAhead.
func (o *Outbox) Ack(to string, upTo uint64) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if upTo > o.last[to] {
		return fmt.Errorf("%w: %d for %q, last assigned is %d", ErrAckAhead, upTo, to, o.last[to])
	}
	if o.pending[to] == 0 {
		return nil
	}
	var keys [][]byte
	err := o.db.View(func(txn *badger.Txn) error {
		prefix := o.streamPrefix(to)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix}) // keys only
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			_, seq, err := parseMsgKey(strings.TrimPrefix(string(it.Item().Key()), o.prefix+"m/"))
			if err != nil {
				return err
			}
			if seq > upTo {
				break
			}
			keys = append(keys, it.Item().KeyCopy(nil))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("outbox: ack %d for %q: %w", upTo, to, err)
	}
	// Each batch commits on its own; a crash between batches leaves a
	// partly applied ack, which the next (cumulative) ack completes.
	for len(keys) > 0 {
		n := min(len(keys), ackBatch)
		err := o.db.Update(func(txn *badger.Txn) error {
			for _, k := range keys[:n] {
				if err := txn.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("outbox: ack %d for %q: %w", upTo, to, err)
		}
		o.pending[to] -= n
		o.total -= n
		keys = keys[n:]
	}
	if o.pending[to] == 0 {
		delete(o.pending, to)
	}
	return nil
}

// Len is the number of unacknowledged messages to recipient to; to == ""
// counts every stream.
func (o *Outbox) Len(to string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	if to == "" {
		return o.total
	}
	return o.pending[to]
}

// Notify is signalled after each Enqueue, so a sender loop waiting on it
// wakes up. It has room for one signal: several Enqueues may wake the loop
// once, so the loop sends everything Pending returns.
func (o *Outbox) Notify() <-chan struct{} { return o.notify }
