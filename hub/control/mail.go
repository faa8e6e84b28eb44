package control

import (
	"log/slog"
	"time"

	"fieldwatch/protocol"
)

// Mail carries reliable messages over the channel (instructions to the
// vehicle, receipts and reports from it). Optional.
type Mail interface {
	// Pending returns up to limit unacknowledged messages to the vehicle, in order.
	Pending(vehicle string, limit int) ([]protocol.Message, error)
	// Wake is signalled when a message is queued for the vehicle.
	Wake(vehicle string) <-chan struct{}
	// Acked handles the vehicle's cumulative ack of the hub's stream.
	Acked(vehicle string, ack protocol.MessageAck) error
	// Receive applies a message from the vehicle once and in order, and
	// returns the cumulative ack to answer with.
	Receive(vehicle string, m protocol.Message) (protocol.MessageAck, error)
}

// resendAfter: messages sent but not acknowledged this long go again.
const resendAfter = 3 * time.Second

// mailWindow bounds the messages in flight on one connection.
const mailWindow = 64

// mailLoop sends the vehicle its pending messages (go-back-N): all of
// them on connect, new ones when woken, and again from the first
// unacknowledged one when an ack shows a gap or nothing is acknowledged
// for resendAfter.
func (s *Server) mailLoop(c *conn, log *slog.Logger) {
	mail := s.p.Mail
	var sentUpTo uint64
	timer := time.NewTimer(resendAfter)
	defer timer.Stop()
	for {
		pending, err := mail.Pending(c.vehicle, mailWindow)
		if err != nil {
			log.Error("control: pending messages", "err", err)
		}
		for _, m := range pending {
			if m.Seq <= sentUpTo {
				continue
			}
			if err := c.send(protocol.KindMessage, m); err != nil {
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
		case <-c.done:
			return
		case <-mail.Wake(c.vehicle):
		case ack := <-c.acks:
			if ack < sentUpTo && len(pending) > 0 && pending[0].Seq <= ack+1 {
				// The vehicle is missing something after ack: go back.
				sentUpTo = ack
			}
		case <-timer.C:
			sentUpTo = 0 // nothing acknowledged for a while: send everything again
		}
	}
}
