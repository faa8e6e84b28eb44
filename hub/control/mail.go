package control

import (
	"log/slog"

	"fieldwatch/internal/mailpump"
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

// mailLoop runs the connection's mail pump until c closes.
func (s *Server) mailLoop(c *conn, log *slog.Logger) {
	c.pump.Run(c.done)
}

// newPump builds a connection's mail pump.
func (s *Server) newPump(c *conn, log *slog.Logger) *mailpump.Pump {
	return &mailpump.Pump{
		Pending: func(limit int) ([]protocol.Message, error) { return s.p.Mail.Pending(c.vehicle, limit) },
		Send:    func(m protocol.Message) error { return c.send(protocol.KindMessage, m) },
		Wake:    s.p.Mail.Wake(c.vehicle),
		OnError: func(err error) { log.Error("control: pending messages", "err", err) },
	}
}
