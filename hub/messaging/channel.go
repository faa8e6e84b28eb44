package messaging

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/internal/outbox"
	"fieldwatch/protocol"
)

// The control channel's side of the service: what to send a vehicle, what
// it acknowledged, and what it sent.

// Pending returns up to limit messages the vehicle has not acknowledged, in order.
func (s *Service) Pending(vehicle string, limit int) ([]protocol.Message, error) {
	list, err := s.out.Pending(vehicle, limit)
	if err != nil {
		return nil, err
	}
	out := make([]protocol.Message, len(list))
	for i, m := range list {
		out[i] = protocol.Message{Stream: m.Stream(), Seq: m.Seq, Type: m.Type, Time: m.Queued, Body: m.Body}
	}
	return out, nil
}

// Wake is signalled when something is queued for the vehicle.
func (s *Service) Wake(vehicle string) <-chan struct{} { return s.wakeChan(vehicle) }

func (s *Service) wakeChan(vehicle string) chan struct{} {
	s.wakeM.Lock()
	defer s.wakeM.Unlock()
	ch := s.wake[vehicle]
	if ch == nil {
		ch = make(chan struct{}, 1)
		s.wake[vehicle] = ch
	}
	return ch
}

func (s *Service) signal(vehicle string) {
	ch := s.wakeChan(vehicle)
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Acked handles a vehicle's cumulative ack of the hub's stream: every
// instruction up to seq is on the vehicle, delivered.
func (s *Service) Acked(vehicle string, ack protocol.MessageAck) error {
	if ack.Stream != protocol.Stream(HubAddress, vehicle) {
		return fmt.Errorf("%w: %s acknowledged stream %s", ErrInvalid, vehicle, ack.Stream)
	}
	now := s.p.Now()
	for {
		batch, err := s.out.Pending(vehicle, 16)
		if err != nil {
			return err
		}
		if len(batch) == 0 || batch[0].Seq > ack.Seq {
			return nil
		}
		upTo := batch[0].Seq
		for _, m := range batch {
			if m.Seq > ack.Seq {
				break
			}
			upTo = m.Seq
			if m.Type == protocol.MsgMission {
				s.missionDelivered(vehicle, m, now)
				continue
			}
			s.delivered(vehicle, m, now)
		}
		if err := s.out.Ack(vehicle, upTo); err != nil {
			return err
		}
		if upTo == ack.Seq {
			return nil
		}
	}
}

// delivered marks the instruction a queued message carries as delivered.
func (s *Service) delivered(vehicle string, m outbox.Message, now time.Time) {
	var b Body
	if m.Type != protocol.MsgInstruction || json.Unmarshal(m.Body, &b) != nil {
		return
	}
	if err := s.submit.Submit(ReceiptGiven{Instruction: b.ID, Vehicle: vehicle, State: StateDelivered, At: now}); err != nil {
		s.log.Warn("mark delivered", "instruction", b.ID, "err", err)
	}
}

// Receive applies a message from a vehicle, once and in order, and returns
// the cumulative ack to send back.
func (s *Service) Receive(vehicle string, m protocol.Message) (protocol.MessageAck, error) {
	from, to, _ := strings.Cut(m.Stream, ">")
	ack := protocol.MessageAck{Stream: m.Stream}
	if from != vehicle || to != HubAddress {
		return ack, fmt.Errorf("%w: %s sent on stream %s", ErrInvalid, vehicle, m.Stream)
	}
	om := outbox.Message{ID: fmt.Sprintf("%s/%020d", m.Stream, m.Seq), Sender: from, To: to, Seq: m.Seq, Type: m.Type, Body: m.Body}
	// What a message changes is submitted as the domain's commands while
	// the inbox's transaction is open, so the stream advances only once
	// they are applied; a crash in between has the vehicle resend the
	// message, whose commands apply again without effect.
	_, err := s.in.Apply(om, func(*badger.Txn) error {
		switch m.Type {
		case protocol.MsgReceipt:
			var rc Receipt
			if err := json.Unmarshal(m.Body, &rc); err != nil || rc.Instruction == "" {
				s.log.Warn("bad receipt, skipped", "vehicle", vehicle, "seq", m.Seq)
				return nil
			}
			return s.applyReceipt(vehicle, rc)
		case protocol.MsgReport:
			if s.p.OnReport == nil {
				return nil
			}
			return s.p.OnReport(vehicle, m.Body)
		case protocol.MsgMissionReport:
			return s.applyMissionReport(vehicle, m.Body)
		default:
			s.log.Warn("message type not handled, skipped", "vehicle", vehicle, "type", m.Type, "seq", m.Seq)
			return nil
		}
	})
	ack.Seq = s.in.Last(from, to)
	return ack, err
}

// applyReceipt records a vehicle's receipt. A receipt for an instruction
// the hub does not know, or not addressed to the vehicle, is applied as a
// no-op: the vehicle must not resend it forever.
func (s *Service) applyReceipt(vehicle string, rc Receipt) error {
	err := s.submit.Submit(ReceiptGiven{Instruction: rc.Instruction, Vehicle: vehicle, State: rc.State, By: rc.By, At: rc.At})
	if errors.Is(err, ErrUnknown) {
		s.log.Warn("receipt for an unknown instruction", "vehicle", vehicle, "instruction", rc.Instruction)
		return nil
	}
	return err
}
