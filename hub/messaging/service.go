package messaging

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/hub/store"
	"fieldwatch/internal/outbox"
	"fieldwatch/protocol"
)

// HubAddress is the hub's name in message streams ("hub>xe-01").
const HubAddress = "hub"

// MaxText bounds an instruction's text.
const MaxText = 4000

// Params configure the service. Zero values take defaults.
type Params struct {
	// Due is how long crews have to acknowledge an instruction; default 30 min.
	Due time.Duration
	// UrgentDue is the same for urgent ones, after which they escalate; default 5 min.
	UrgentDue time.Duration
	Now       func() time.Time
	Logger    *slog.Logger
	// OnReport files a crew report a vehicle sent; it must be idempotent
	// (by the report's client id): a report may arrive twice. Optional.
	OnReport func(vehicle string, body json.RawMessage) error
}

// Service keeps instructions and their streams to vehicles.
type Service struct {
	db  *store.DB
	p   Params
	out *outbox.Outbox
	in  *outbox.Inbox
	log *slog.Logger

	mu    sync.Mutex // serialises read-modify-write of instruction records
	wakeM sync.Mutex
	wake  map[string]chan struct{}

	missions MissionHooks // set by SetMissionHooks
}

const (
	recPrefix    = "ins/"
	outboxPrefix = "mq/out/"
	inboxPrefix  = "mq/in/"
)

// New opens the service on the hub database and queues anything a crash
// left unqueued.
func New(db *store.DB, p Params) (*Service, error) {
	if p.Due <= 0 {
		p.Due = 30 * time.Minute
	}
	if p.UrgentDue <= 0 {
		p.UrgentDue = 5 * time.Minute
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	out, err := outbox.Open(db.Badger(), outboxPrefix, HubAddress, p.Now)
	if err != nil {
		return nil, fmt.Errorf("messaging: %w", err)
	}
	in, err := outbox.OpenInbox(db.Badger(), inboxPrefix)
	if err != nil {
		return nil, fmt.Errorf("messaging: %w", err)
	}
	s := &Service{db: db, p: p, out: out, in: in, log: p.Logger.With("component", "messaging"), wake: map[string]chan struct{}{}}
	return s, s.requeue()
}

// Target is a vehicle or a user an instruction is addressed to, with the
// unit it belongs to.
type Target struct {
	Vehicle string
	User    string
	Unit    string
}

func (t Target) key() string { return t.Vehicle + "|" + t.User }

// Sender is who sends an instruction.
type Sender struct {
	Username, Name, Unit string
}

// Send records an instruction and queues it for every target vehicle.
// clientID, when given, makes the request idempotent: the same sender
// sending the same clientID again (a retry after a lost answer) gets the
// instruction it already sent.
func (s *Service) Send(from Sender, clientID, text string, urgent bool, to []Target) (Instruction, error) {
	return s.send(from, clientID, text, urgent, false, to)
}

// SendNotice records a notice to officers (a roster's publication, a swap,
// a shift reminder), acknowledged like an instruction but seen only by its
// recipients and its sender.
func (s *Service) SendNotice(from Sender, clientID, text string, to []Target) (Instruction, error) {
	return s.send(from, clientID, text, false, true, to)
}

func (s *Service) send(from Sender, clientID, text string, urgent, notice bool, to []Target) (Instruction, error) {
	if clientID != "" {
		if len(clientID) > 128 {
			return Instruction{}, fmt.Errorf("%w: client_id longer than 128 bytes", ErrInvalid)
		}
		var id string
		if s.db.Get(clientKey(from.Username, clientID), &id) == nil {
			return s.Get(id)
		}
	}
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return Instruction{}, fmt.Errorf("%w: empty text", ErrInvalid)
	case utf8.RuneCountInString(text) > MaxText:
		return Instruction{}, fmt.Errorf("%w: text longer than %d characters", ErrInvalid, MaxText)
	case len(to) == 0:
		return Instruction{}, fmt.Errorf("%w: no recipient", ErrInvalid)
	}
	now := s.p.Now()
	due := s.p.Due
	if urgent {
		due = s.p.UrgentDue
	}
	in := Instruction{ID: newID(now), From: from.Username, FromName: from.Name, FromUnit: from.Unit, Text: text,
		Urgent: urgent, Notice: notice, Created: now, Due: now.Add(due)}
	seen := map[string]bool{}
	for _, t := range to {
		if !seen[t.key()] {
			seen[t.key()] = true
			in.To = append(in.To, Recipient{Vehicle: t.Vehicle, User: t.User, Unit: t.Unit, State: StateSent, Sent: now})
		}
	}
	if err := s.db.Put(recPrefix+in.ID, in, 0); err != nil {
		return Instruction{}, fmt.Errorf("messaging: %w", err)
	}
	if clientID != "" {
		if err := s.db.Put(clientKey(from.Username, clientID), in.ID, 30*24*time.Hour); err != nil {
			return Instruction{}, fmt.Errorf("messaging: %w", err)
		}
	}
	if err := s.queue(&in); err != nil {
		return in, err
	}
	return in, nil
}

// queue puts the instruction in each unqueued recipient's stream.
func (s *Service) queue(in *Instruction) error {
	body := Body{ID: in.ID, From: in.From, FromName: in.FromName, Text: in.Text, Urgent: in.Urgent, Created: in.Created, Due: in.Due}
	for i := range in.To {
		r := &in.To[i]
		if r.Seq != 0 || r.Vehicle == "" {
			continue // queued already, or a user reading at the hub
		}
		m, err := s.out.Enqueue(r.Vehicle, protocol.MsgInstruction, body)
		if err != nil {
			return fmt.Errorf("messaging: queue %s for %s: %w", in.ID, r.Vehicle, err)
		}
		seq := m.Seq
		if err := s.update(in.ID, func(x *Instruction) bool {
			for j := range x.To {
				if x.To[j].Vehicle == r.Vehicle {
					x.To[j].Seq = seq
				}
			}
			return true
		}); err != nil {
			return err
		}
		r.Seq = seq
		s.signal(r.Vehicle)
	}
	return nil
}

// requeue finishes Sends a crash interrupted. A message queued just before
// the crash is queued again; vehicles apply an instruction id only once.
func (s *Service) requeue() error {
	all, err := s.List(func(*Instruction) bool { return true }, 0)
	if err != nil {
		return err
	}
	for i := range all {
		if err := s.queue(&all[i]); err != nil {
			return err
		}
	}
	return nil
}

// Get returns one instruction.
func (s *Service) Get(id string) (Instruction, error) {
	var in Instruction
	if err := s.db.Get(recPrefix+id, &in); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return in, fmt.Errorf("%w: %q", ErrUnknown, id)
		}
		return in, err
	}
	return in, nil
}

// List returns the instructions keep selects, newest first, at most limit (0 = all).
func (s *Service) List(keep func(*Instruction) bool, limit int) ([]Instruction, error) {
	all, err := store.List[Instruction](s.db, recPrefix)
	if err != nil {
		return nil, fmt.Errorf("messaging: %w", err)
	}
	out := []Instruction{}
	for i := len(all) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		if keep(&all[i]) {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// update applies fn to a stored instruction; fn returns whether it changed it.
func (s *Service) update(id string, fn func(*Instruction) bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, err := s.Get(id)
	if err != nil {
		return err
	}
	if !fn(&in) {
		return nil
	}
	if err := s.db.Put(recPrefix+id, in, 0); err != nil {
		return fmt.Errorf("messaging: %w", err)
	}
	return nil
}

// Acknowledge records a receipt given at the hub: by a crew member (the
// phone app) for a recipient vehicle, or by a recipient user (vehicle "").
func (s *Service) Acknowledge(id, vehicle, user, state, by string) (Instruction, error) {
	if state != StateRead && state != StateAcknowledged {
		return Instruction{}, fmt.Errorf("%w: receipt state %q", ErrInvalid, state)
	}
	found := false
	err := s.update(id, func(in *Instruction) bool {
		changed := false
		for i := range in.To {
			if vehicle != "" && in.To[i].Vehicle == vehicle || vehicle == "" && in.To[i].User == user {
				found = true
				changed = in.To[i].advance(state, s.p.Now(), by) || changed
			}
		}
		return changed
	})
	if err != nil {
		return Instruction{}, err
	}
	if !found {
		return Instruction{}, fmt.Errorf("%w: %s is not addressed to %s%s", ErrUnknown, id, vehicle, user)
	}
	return s.Get(id)
}

// Fetched marks the instructions addressed to user delivered: the user's
// console or phone has them.
func (s *Service) Fetched(user string, list []Instruction) {
	now := s.p.Now()
	for _, in := range list {
		for _, r := range in.To {
			if r.User != user || r.State != StateSent {
				continue
			}
			err := s.update(in.ID, func(x *Instruction) bool {
				changed := false
				for i := range x.To {
					if x.To[i].User == user {
						changed = x.To[i].advance(StateDelivered, now, "") || changed
					}
				}
				return changed
			})
			if err != nil {
				s.log.Warn("mark delivered", "instruction", in.ID, "err", err)
			}
		}
	}
}

func clientKey(user, clientID string) string { return "insc/" + user + "/" + clientID }

func newID(now time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("ins-%016x-%s", now.UnixNano(), hex.EncodeToString(b[:]))
}

// sortByCreated orders newest first.
func sortByCreated(list []Instruction) {
	sort.Slice(list, func(i, j int) bool { return list[i].Created.After(list[j].Created) })
}

// applyReceipt writes a vehicle's receipt into the instruction inside txn.
func (s *Service) applyReceipt(txn *badger.Txn, vehicle string, rc Receipt) error {
	item, err := txn.Get([]byte(recPrefix + rc.Instruction))
	if errors.Is(err, badger.ErrKeyNotFound) {
		s.log.Warn("receipt for an unknown instruction", "vehicle", vehicle, "instruction", rc.Instruction)
		return nil // applied as a no-op: the vehicle must not resend it forever
	}
	if err != nil {
		return err
	}
	var in Instruction
	if err := item.Value(func(v []byte) error { return json.Unmarshal(v, &in) }); err != nil {
		return err
	}
	changed := false
	for i := range in.To {
		if in.To[i].Vehicle == vehicle {
			changed = in.To[i].advance(rc.State, rc.At, rc.By) || changed
		}
	}
	if !changed {
		return nil
	}
	data, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return txn.Set([]byte(recPrefix+in.ID), data)
}

// Escalate marks every urgent instruction still unacknowledged past its
// due time as escalated, naming whom it went to (chosen by the caller),
// and returns them; each escalates once.
func (s *Service) Escalate(to func(in *Instruction) []string) ([]Instruction, error) {
	now := s.p.Now()
	due, err := s.List(func(in *Instruction) bool { return in.Urgent && in.Escalated.IsZero() && in.Overdue(now) }, 0)
	if err != nil {
		return nil, err
	}
	var out []Instruction
	for i := range due {
		names := to(&due[i])
		err := s.update(due[i].ID, func(in *Instruction) bool {
			if !in.Escalated.IsZero() {
				return false
			}
			in.Escalated, in.EscalatedTo = now, names
			return true
		})
		if err != nil {
			return out, err
		}
		due[i].Escalated, due[i].EscalatedTo = now, names
		out = append(out, due[i])
	}
	return out, nil
}
