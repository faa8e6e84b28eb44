// Package mailbox is the vehicle's end of instructions and receipts: the
// instructions the hub sent, kept in Badger and each applied once by its
// id (a resent or requeued instruction shows once), and the crew's read
// and acknowledgement receipts, queued in a persistent outbox until the
// hub confirms them. It is what the crew's screen in the vehicle reads,
// and it works the same with the link down: a receipt given during an
// outage reaches the hub when the link returns.
package mailbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/internal/outbox"
	"fieldwatch/protocol"
)

// Errors.
var (
	ErrUnknown = errors.New("mailbox: no such instruction")
	ErrState   = errors.New("mailbox: receipt state must be read or acknowledged")
	ErrReport  = errors.New("mailbox: invalid report")
)

// Receipt states (as the hub spells them).
const (
	StateRead         = "read"
	StateAcknowledged = "acknowledged"
)

// hubAddress is the hub's name in streams.
const hubAddress = "hub"

// Instruction is one instruction as the crew sees it.
type Instruction struct {
	ID       string    `json:"id"`
	From     string    `json:"from"`
	FromName string    `json:"from_name"`
	Text     string    `json:"text"`
	Urgent   bool      `json:"urgent"`
	Created  time.Time `json:"created"`
	Due      time.Time `json:"due"`
	Received time.Time `json:"received"`
	// Order is the instruction's place in arrival order, 1, 2, 3...
	Order uint64 `json:"order"`
	// Read and Acknowledged are set by the crew, here or (for the hub's
	// record) on a phone.
	Read         time.Time `json:"read,omitzero"`
	Acknowledged time.Time `json:"acknowledged,omitzero"`
	AckedBy      string    `json:"acked_by,omitempty"`
}

// Mailbox is the vehicle's instructions and outgoing receipts.
type Mailbox struct {
	db      *badger.DB
	dir     string
	out     *outbox.Outbox
	in      *outbox.Inbox
	vehicle string
	now     func() time.Time
	log     *slog.Logger

	mu      sync.Mutex // serialises Mark
	order   uint64     // instructions kept so far
	changed chan struct{}
}

const (
	insPrefix = "ins/"   // ins/<order %020d> -> Instruction
	idPrefix  = "insid/" // insid/<id> -> order
)

// Open opens (or creates) the mailbox in dir for vehicle.
func Open(dir, vehicle string, log *slog.Logger) (*Mailbox, error) {
	if log == nil {
		log = slog.Default()
	}
	db, err := badger.Open(badger.DefaultOptions(dir).WithSyncWrites(true).WithLogger(nil).
		WithMemTableSize(8 << 20).WithValueLogFileSize(16 << 20).WithNumCompactors(2).
		WithBlockCacheSize(2 << 20).WithIndexCacheSize(1 << 20))
	if err != nil {
		return nil, fmt.Errorf("mailbox: open %s: %w", dir, err)
	}
	m := &Mailbox{db: db, dir: dir, vehicle: vehicle, now: time.Now, log: log.With("component", "mailbox"), changed: make(chan struct{})}
	if m.out, err = outbox.Open(db, "mq/out/", vehicle, nil); err == nil {
		m.in, err = outbox.OpenInbox(db, "mq/in/")
	}
	if err == nil {
		err = db.View(func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(insPrefix), Reverse: true})
			defer it.Close()
			it.Seek([]byte(insPrefix + "~"))
			if it.Valid() {
				_, err := fmt.Sscanf(strings.TrimPrefix(string(it.Item().Key()), insPrefix), "%d", &m.order)
				return err
			}
			return nil
		})
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("mailbox: %w", err)
	}
	return m, nil
}

// Close closes the database.
func (m *Mailbox) Close() error { return m.db.Close() }

// Changed is closed (and replaced) whenever an instruction arrives or
// changes, for screens that wait for news.
func (m *Mailbox) Changed() <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.changed
}

func (m *Mailbox) notifyLocked() {
	close(m.changed)
	m.changed = make(chan struct{})
}

// Instructions returns every kept instruction, newest first.
func (m *Mailbox) Instructions() ([]Instruction, error) {
	var out []Instruction
	err := m.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(insPrefix), PrefetchValues: true, PrefetchSize: 64})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var in Instruction
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &in) }); err != nil {
				return err
			}
			out = append(out, in)
		}
		return nil
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	if err != nil {
		return nil, fmt.Errorf("mailbox: %w", err)
	}
	return out, nil
}

// Mark records that a crew member read or acknowledged an instruction and
// queues the receipt for the hub. Marking again is a no-op.
func (m *Mailbox) Mark(id, state, by string) (Instruction, error) {
	if state != StateRead && state != StateAcknowledged {
		return Instruction{}, ErrState
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var in Instruction
	var key []byte
	err := m.db.View(func(txn *badger.Txn) error {
		var err error
		key, err = keyOf(txn, id)
		if err != nil {
			return err
		}
		item, err := txn.Get(key)
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error { return json.Unmarshal(v, &in) })
	})
	if err != nil {
		return in, err
	}
	now := m.now()
	switch {
	case state == StateRead && !in.Read.IsZero(), state == StateAcknowledged && !in.Acknowledged.IsZero():
		return in, nil
	case state == StateRead:
		in.Read = now
	default:
		in.Acknowledged, in.AckedBy = now, by
		if in.Read.IsZero() {
			in.Read = now
		}
	}
	// The receipt is queued first: if the local record then fails, marking
	// again queues a second receipt, which the hub applies as a no-op.
	if _, err := m.out.Enqueue(hubAddress, protocol.MsgReceipt, map[string]any{
		"instruction": id, "state": state, "by": by, "at": now}); err != nil {
		return in, fmt.Errorf("mailbox: %w", err)
	}
	data, _ := json.Marshal(in)
	if err := m.db.Update(func(txn *badger.Txn) error { return txn.Set(key, data) }); err != nil {
		return in, fmt.Errorf("mailbox: %w", err)
	}
	m.notifyLocked()
	return in, nil
}

func keyOf(txn *badger.Txn, id string) ([]byte, error) {
	item, err := txn.Get([]byte(idPrefix + id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, fmt.Errorf("%w: %q", ErrUnknown, id)
	}
	if err != nil {
		return nil, err
	}
	return item.ValueCopy(nil)
}

// Report is a crew report written on the vehicle's LAN, for the hub.
type Report struct {
	ClientID string   `json:"client_id"` // the phone's id for it: sent twice, filed once
	By       string   `json:"by"`
	Title    string   `json:"title"`
	Text     string   `json:"text"`
	Action   string   `json:"action"`
	Lat      *float64 `json:"lat,omitempty"`
	Lon      *float64 `json:"lon,omitempty"`
	// Photos are ids from PutPhoto; the vehicle uploads them to the hub.
	Photos []string `json:"photos,omitempty"`
}

// QueueReport queues a crew report for the hub.
func (m *Mailbox) QueueReport(r Report) error {
	if r.ClientID == "" || len(r.ClientID) > 128 {
		return fmt.Errorf("%w: client_id of 1 to 128 bytes", ErrReport)
	}
	if strings.TrimSpace(r.Title) == "" && strings.TrimSpace(r.Text) == "" {
		return fmt.Errorf("%w: write what was seen", ErrReport)
	}
	if len(r.Title)+len(r.Text)+len(r.Action) > protocol.MaxMessageBody-4096 || len(r.Photos) > 20 {
		return fmt.Errorf("%w: too long, or more than 20 photos", ErrReport)
	}
	for _, id := range r.Photos {
		if !photoIDRE.MatchString(id) {
			return fmt.Errorf("%w: photo %q was not uploaded to the vehicle", ErrReport, id)
		}
	}
	if _, err := m.out.Enqueue(hubAddress, protocol.MsgReport, r); err != nil {
		return fmt.Errorf("mailbox: %w", err)
	}
	return nil
}

// Backlog is how many receipts and reports wait for the hub.
func (m *Mailbox) Backlog() int { return m.out.Len("") }
