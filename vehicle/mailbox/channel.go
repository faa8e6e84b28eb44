package mailbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/internal/outbox"
	"fieldwatch/protocol"
)

// The control channel's side of the mailbox (control.Mail).

// Pending returns up to limit messages the hub has not acknowledged.
func (m *Mailbox) Pending(limit int) ([]protocol.Message, error) {
	list, err := m.out.Pending(hubAddress, limit)
	if err != nil {
		return nil, err
	}
	out := make([]protocol.Message, len(list))
	for i, x := range list {
		out[i] = protocol.Message{Stream: x.Stream(), Seq: x.Seq, Type: x.Type, Time: x.Queued, Body: x.Body}
	}
	return out, nil
}

// Wake is signalled when a receipt is queued.
func (m *Mailbox) Wake() <-chan struct{} { return m.out.Notify() }

// Acked drops what the hub has applied.
func (m *Mailbox) Acked(ack protocol.MessageAck) error {
	if ack.Stream != protocol.Stream(m.vehicle, hubAddress) {
		return fmt.Errorf("mailbox: the hub acknowledged stream %s", ack.Stream)
	}
	return m.out.Ack(hubAddress, ack.Seq)
}

// Receive applies an instruction from the hub, once by its stream position
// and once by its id, and returns the cumulative ack.
func (m *Mailbox) Receive(msg protocol.Message) (protocol.MessageAck, error) {
	ack := protocol.MessageAck{Stream: msg.Stream}
	from, to, _ := strings.Cut(msg.Stream, ">")
	if from != hubAddress || to != m.vehicle {
		return ack, fmt.Errorf("mailbox: message on stream %s", msg.Stream)
	}
	om := outbox.Message{ID: fmt.Sprintf("%s/%020d", msg.Stream, msg.Seq), Sender: from, To: to, Seq: msg.Seq, Type: msg.Type, Body: msg.Body}
	m.mu.Lock()
	defer m.mu.Unlock()
	added := false
	res, err := m.in.Apply(om, func(txn *badger.Txn) error {
		if msg.Type == protocol.MsgMission {
			return m.applyMission(txn, msg.Body, &added)
		}
		if msg.Type != protocol.MsgInstruction {
			m.log.Warn("message type not handled, skipped", "type", msg.Type, "seq", msg.Seq)
			return nil
		}
		var in Instruction
		if err := json.Unmarshal(msg.Body, &in); err != nil || in.ID == "" {
			m.log.Warn("unreadable instruction, skipped", "seq", msg.Seq)
			return nil
		}
		if _, err := txn.Get([]byte(idPrefix + in.ID)); err == nil {
			return nil // requeued by the hub after a crash: already here
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		in.Order, in.Received = m.order+1, m.now()
		key := fmt.Sprintf("%s%020d", insPrefix, in.Order)
		data, err := json.Marshal(in)
		if err != nil {
			return err
		}
		if err := txn.Set([]byte(key), data); err != nil {
			return err
		}
		added = true
		return txn.Set([]byte(idPrefix+in.ID), []byte(key))
	})
	if err == nil && res == outbox.Applied && added {
		if msg.Type == protocol.MsgInstruction {
			m.order++
		}
		m.notifyLocked()
	}
	ack.Seq = m.in.Last(from, to)
	return ack, err
}
