package messaging

import (
	"testing"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/command/commandtest"
	"fieldwatch/hub/store"
)

// The domain's commands survive the wire, and replaying a realistic day
// of them (an urgent instruction to two vehicles and an officer, queued,
// delivered, read, acknowledged, escalated; a notice; a retried send and
// late receipts that change nothing) gives the same state on two stores.
func TestCommandsReplay(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)
	ins := Instruction{ID: "0193f0c2-0000-7000-8000-000000000001", From: "lanhdao", FromName: "Lãnh đạo", FromUnit: "cuc",
		Text: "Dừng xe 29C-123.45 để kiểm tra", Urgent: true, Created: t0, Due: t0.Add(5 * time.Minute),
		To: []Recipient{
			{Vehicle: "xe-01", Unit: "cc-a", State: StateSent, Sent: t0},
			{Vehicle: "xe-02", Unit: "cc-b", State: StateSent, Sent: t0},
			{User: "giamsat.a", Unit: "doi-a", State: StateSent, Sent: t0},
		}}
	notice := Instruction{ID: "0193f0c2-0000-7000-8000-000000000002", From: "he-thong", FromName: "Hệ thống trực ban",
		Text: "Ca trực 08:00", Notice: true, Created: t0, Due: t0.Add(30 * time.Minute),
		To: []Recipient{{User: "giamsat.a", Unit: "doi-a", State: StateSent, Sent: t0}}}
	retry := ins
	retry.ID = "0193f0c2-0000-7000-8000-000000000003"
	cmds := []command.Command{
		InstructionSent{Instruction: ins, ClientID: "c-1"},
		Queued{Instruction: ins.ID, Vehicle: "xe-01", Seq: 1},
		Queued{Instruction: ins.ID, Vehicle: "xe-02", Seq: 1},
		InstructionSent{Instruction: retry, ClientID: "c-1"}, // a retry: no second instruction
		NoticeSent{Instruction: notice},
		ReceiptGiven{Instruction: ins.ID, Vehicle: "xe-01", State: StateDelivered, At: t0.Add(time.Second)},
		ReceiptGiven{Instruction: ins.ID, Vehicle: "xe-01", State: StateRead, By: "Tổ 1", At: t0.Add(time.Minute)},
		ReceiptGiven{Instruction: ins.ID, Vehicle: "xe-01", State: StateAcknowledged, By: "Tổ 1", At: t0.Add(2 * time.Minute)},
		ReceiptGiven{Instruction: ins.ID, Vehicle: "xe-01", State: StateRead, By: "Tổ 1", At: t0.Add(3 * time.Minute)}, // late: no change
		ReceiptGiven{Instruction: ins.ID, User: "giamsat.a", State: StateDelivered, At: t0.Add(time.Minute)},
		ReceiptGiven{Instruction: notice.ID, User: "giamsat.a", State: StateAcknowledged, By: "Giám sát A", At: t0.Add(time.Minute)},
		Escalated{Instruction: ins.ID, At: t0.Add(6 * time.Minute), To: []string{"trucban", "tocongtac.b"}},
		Escalated{Instruction: ins.ID, At: t0.Add(7 * time.Minute), To: []string{"other"}}, // once only
	}
	db := commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier { return NewStore(db) }, cmds)
	st := NewStore(db)
	got, err := st.Get(ins.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := got.To[0]; r.State != StateAcknowledged || r.AckedBy != "Tổ 1" || r.Seq != 1 || !r.Read.Equal(t0.Add(time.Minute)) {
		t.Errorf("xe-01: %+v", r)
	}
	if got.To[1].State != StateSent || got.To[2].State != StateDelivered {
		t.Errorf("recipients: %+v", got.To)
	}
	if !got.Escalated.Equal(t0.Add(6*time.Minute)) || len(got.EscalatedTo) != 2 {
		t.Errorf("escalated %v to %v", got.Escalated, got.EscalatedTo)
	}
	if _, err := st.Get(retry.ID); err == nil {
		t.Error("a retried send with the same client id made a second instruction")
	}
	if id, ok := st.byClientID("lanhdao", "c-1"); !ok || id != ins.ID {
		t.Errorf("client id -> %q %v", id, ok)
	}
	if err := st.Apply(ReceiptGiven{Instruction: ins.ID, Vehicle: "xe-09", State: StateRead, At: t0}); err == nil {
		t.Error("a receipt from a vehicle it was not sent to was applied")
	}
}
