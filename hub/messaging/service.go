package messaging

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"fieldwatch/hub/command"
	"fieldwatch/hub/store"
	"fieldwatch/internal/ids"
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
	// Submit sees the domain's commands applied; nil applies them to the
	// service's own store at once.
	Submit command.Submitter
}

// Service keeps instructions and their streams to vehicles.
type Service struct {
	st     *Store
	p      Params
	submit command.Submitter
	out    *outbox.Outbox
	in     *outbox.Inbox
	log    *slog.Logger

	sendMu sync.Mutex // a client id is looked up and recorded as one step
	wakeM  sync.Mutex
	wake   map[string]chan struct{}

	missions MissionHooks // set by SetMissionHooks
}

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
	st := NewStore(db)
	s := &Service{st: st, p: p, submit: p.Submit, out: out, in: in, log: p.Logger.With("component", "messaging"), wake: map[string]chan struct{}{}}
	if s.submit == nil {
		s.submit = command.Local(st)
	}
	return s, s.requeue()
}

// Store is the service's store (its commands' applier).
func (s *Service) Store() *Store { return s.st }

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
	if len(clientID) > 128 {
		return Instruction{}, fmt.Errorf("%w: client_id longer than 128 bytes", ErrInvalid)
	}
	if clientID != "" {
		s.sendMu.Lock()
		defer s.sendMu.Unlock()
		if id, ok := s.st.byClientID(from.Username, clientID); ok {
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
	in := Instruction{ID: ids.New(), From: from.Username, FromName: from.Name, FromUnit: from.Unit, Text: text,
		Urgent: urgent, Notice: notice, Created: now, Due: now.Add(due)}
	seen := map[string]bool{}
	for _, t := range to {
		if !seen[t.key()] {
			seen[t.key()] = true
			in.To = append(in.To, Recipient{Vehicle: t.Vehicle, User: t.User, Unit: t.Unit, State: StateSent, Sent: now})
		}
	}
	var cmd command.Command = InstructionSent{Instruction: in, ClientID: clientID}
	if notice {
		cmd = NoticeSent{Instruction: in, ClientID: clientID}
	}
	if err := s.submit.Submit(cmd); err != nil {
		return Instruction{}, fmt.Errorf("messaging: %w", err)
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
		if err := s.submit.Submit(Queued{Instruction: in.ID, Vehicle: r.Vehicle, Seq: m.Seq}); err != nil {
			return err
		}
		r.Seq = m.Seq
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
func (s *Service) Get(id string) (Instruction, error) { return s.st.Get(id) }

// List returns the instructions keep selects, newest first, at most limit (0 = all).
func (s *Service) List(keep func(*Instruction) bool, limit int) ([]Instruction, error) {
	return s.st.List(keep, limit)
}

// Acknowledge records a receipt given at the hub: by a crew member (the
// phone app) for a recipient vehicle, or by a recipient user (vehicle "").
func (s *Service) Acknowledge(id, vehicle, user, state, by string) (Instruction, error) {
	if state != StateRead && state != StateAcknowledged {
		return Instruction{}, fmt.Errorf("%w: receipt state %q", ErrInvalid, state)
	}
	rc := ReceiptGiven{Instruction: id, Vehicle: vehicle, State: state, By: by, At: s.p.Now()}
	if vehicle == "" {
		rc.User = user
	}
	if err := s.submit.Submit(rc); err != nil {
		return Instruction{}, err
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
			if err := s.submit.Submit(ReceiptGiven{Instruction: in.ID, User: user, State: StateDelivered, At: now}); err != nil {
				s.log.Warn("mark delivered", "instruction", in.ID, "err", err)
			}
		}
	}
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
		if err := s.submit.Submit(Escalated{Instruction: due[i].ID, At: now, To: names}); err != nil {
			return out, err
		}
		due[i].Escalated, due[i].EscalatedTo = now, names
		out = append(out, due[i])
	}
	return out, nil
}
