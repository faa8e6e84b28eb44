package control

import (
	"time"

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

const (
	resendAfter = 3 * time.Second // unacknowledged this long: send again
	mailWindow  = 64              // messages in flight
)

// mailLoop sends the hub the vehicle's pending messages, go-back-N: all on
// connect, new ones when woken, again from the first unacknowledged one
// after an ack that shows a gap or after resendAfter without progress.
func (s *session) mailLoop(stop <-chan struct{}) {
	mail := s.c.p.Mail
	var sentUpTo uint64
	timer := time.NewTimer(resendAfter)
	defer timer.Stop()
	for {
		pending, err := mail.Pending(mailWindow)
		if err != nil {
			s.c.log.Error("control: pending messages", "err", err)
		}
		for _, m := range pending {
			if m.Seq <= sentUpTo {
				continue
			}
			if err := s.send(protocol.KindMessage, m); err != nil {
				return // the read loop sees the broken connection
			}
			sentUpTo = m.Seq
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(resendAfter)
		select {
		case <-stop:
			return
		case <-mail.Wake():
		case ack := <-s.acks:
			if ack < sentUpTo && len(pending) > 0 && pending[0].Seq <= ack+1 {
				sentUpTo = ack
			}
		case <-timer.C:
			sentUpTo = 0
		}
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
		select {
		case s.acks <- ack.Seq:
		default:
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
