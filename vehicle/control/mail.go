package control

import (
	"fieldwatch/internal/mailpump"
	"fieldwatch/protocol"
)

// Mail carries the vehicle's reliable messages: receipts and reports to
// the hub, instructions from it. Optional.
type Mail interface {
	// Pending returns up to limit unacknowledged messages to the hub, in order.
	Pending(limit int) ([]protocol.Message, error)
	// Wake is signalled when a message is queued for the hub.
	Wake() <-chan struct{}
	// Acked handles the hub's cumulative ack of the vehicle's stream.
	Acked(ack protocol.MessageAck) error
	// Receive applies a message from the hub once and in order, and
	// returns the cumulative ack to answer with.
	Receive(m protocol.Message) (protocol.MessageAck, error)
}

// newPump builds the session's mail pump.
func (s *session) newPump() *mailpump.Pump {
	mail := s.c.p.Mail
	return &mailpump.Pump{
		Pending: mail.Pending,
		Send:    func(m protocol.Message) error { return s.send(protocol.KindMessage, m) },
		Wake:    mail.Wake(),
		OnError: func(err error) { s.c.log.Error("control: pending messages", "err", err) },
	}
}

// handleMail applies a message from the hub or the hub's ack.
func (s *session) handleMail(env protocol.Envelope) error {
	mail := s.c.p.Mail
	if mail == nil {
		return nil
	}
	if env.Kind == protocol.KindMessageAck {
		ack, err := protocol.DecodeBody[protocol.MessageAck](env)
		if err == nil {
			err = mail.Acked(ack)
		}
		if err != nil {
			s.c.log.Warn("control: bad message ack from the hub", "err", err)
			return nil
		}
		if s.pump != nil {
			s.pump.Acked(ack.Seq)
		}
		return nil
	}
	m, err := protocol.DecodeBody[protocol.Message](env)
	if err != nil {
		s.c.log.Warn("control: bad message from the hub", "err", err)
		return nil
	}
	ack, err := mail.Receive(m)
	if err != nil {
		s.c.log.Warn("control: message not applied", "stream", m.Stream, "seq", m.Seq, "err", err)
		if ack.Seq == 0 {
			return nil
		}
	}
	return s.send(protocol.KindMessageAck, ack)
}
