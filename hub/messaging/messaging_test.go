package messaging

import (
	"encoding/json"
	"testing"
	"time"

	"fieldwatch/hub/store"
	"fieldwatch/protocol"
)

func newService(t *testing.T, now *time.Time) (*Service, *store.DB, string) {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(db, Params{Now: func() time.Time { return *now }})
	if err != nil {
		t.Fatal(err)
	}
	return s, db, dir
}

// The hub's side of a vehicle stream: queued in order, delivered by the
// vehicle's ack, read and acknowledged by its receipts (each applied once),
// urgent ones escalated once when overdue; all of it survives a restart.
func TestInstructionLifecycle(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	s, db, dir := newService(t, &now)
	leader := Sender{Username: "lanhdao", Name: "Lãnh đạo", Unit: "cuc"}
	to := []Target{{Vehicle: "xe-01", Unit: "cc-a"}, {Vehicle: "xe-02", Unit: "cc-b"}}
	a, err := s.Send(leader, "c-1", "Dừng xe 29C-123.45 để kiểm tra", true, to)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Send(leader, "c-1", "Dừng xe 29C-123.45 để kiểm tra", true, to); again.ID != a.ID {
		t.Fatal("a retried send made a second instruction")
	}
	b, _ := s.Send(leader, "", "Báo cáo vị trí", false, to[:1])
	if _, err := s.Send(leader, "", "   ", false, to); err == nil {
		t.Fatal("empty text accepted")
	}
	pending, _ := s.Pending("xe-01", 10)
	if len(pending) != 2 || pending[0].Seq != 1 || pending[1].Seq != 2 || pending[0].Stream != "hub>xe-01" {
		t.Fatalf("pending %+v", pending)
	}
	// The vehicle applied the first: delivered.
	if err := s.Acked("xe-01", protocol.MessageAck{Stream: "hub>xe-01", Seq: 1}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(a.ID); got.To[0].State != StateDelivered || got.To[1].State != StateSent {
		t.Fatalf("after ack: %+v", got.To)
	}
	// Receipts from xe-01: read then acknowledged, the second one twice (a resend).
	receipt := func(seq uint64, state string) protocol.MessageAck {
		body, _ := json.Marshal(Receipt{Instruction: a.ID, State: state, By: "Tổ 1", At: now})
		ack, err := s.Receive("xe-01", protocol.Message{Stream: "xe-01>hub", Seq: seq, Type: protocol.MsgReceipt, Time: now, Body: body})
		if err != nil {
			t.Fatal(err)
		}
		return ack
	}
	if ack := receipt(2, StateRead); ack.Seq != 0 {
		t.Fatalf("a gap was applied: ack %d", ack.Seq)
	}
	receipt(1, StateRead)
	receipt(2, StateAcknowledged)
	if ack := receipt(2, StateAcknowledged); ack.Seq != 2 {
		t.Fatalf("duplicate: ack %d", ack.Seq)
	}
	if _, err := s.Receive("xe-02", protocol.Message{Stream: "xe-01>hub", Seq: 3, Type: protocol.MsgReceipt, Time: now, Body: []byte(`{}`)}); err == nil {
		t.Fatal("xe-02 wrote on xe-01's stream")
	}
	got, _ := s.Get(a.ID)
	if r := got.To[0]; r.State != StateAcknowledged || r.AckedBy != "Tổ 1" {
		t.Fatalf("after receipts: %+v", r)
	}
	// Overdue and escalation: the urgent one escalates (xe-02 never acknowledged), once.
	now = now.Add(6 * time.Minute)
	esc, err := s.Escalate(func(*Instruction) []string { return []string{"trucban"} })
	if err != nil || len(esc) != 1 || esc[0].ID != a.ID || esc[0].EscalatedTo[0] != "trucban" {
		t.Fatalf("escalate: %v %+v", err, esc)
	}
	if esc, _ := s.Escalate(func(*Instruction) []string { return nil }); len(esc) != 0 {
		t.Fatal("escalated twice")
	}
	if nb, _ := s.Get(b.ID); nb.Overdue(now) {
		t.Fatal("a normal instruction overdue after 6 minutes of 30")
	}
	// Restart: the stream goes on.
	db.Close()
	db2, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	s2, err := New(db2, Params{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := s2.Pending("xe-01", 10); len(p) != 1 || p[0].Seq != 2 {
		t.Fatalf("after restart pending %+v", p)
	}
	c, _ := s2.Send(leader, "", "Về đơn vị", false, to[:1])
	if c.To[0].Seq != 3 {
		t.Fatalf("seq after restart %d", c.To[0].Seq)
	}
}
