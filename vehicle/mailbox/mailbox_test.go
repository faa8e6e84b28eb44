package mailbox

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"fieldwatch/protocol"
)

func instruction(t *testing.T, seq uint64, id, text string) protocol.Message {
	body, _ := json.Marshal(map[string]any{"id": id, "from": "lanhdao", "from_name": "Lãnh đạo", "text": text,
		"urgent": false, "created": time.Now(), "due": time.Now().Add(time.Hour)})
	return protocol.Message{Stream: "hub>xe-01", Seq: seq, Type: protocol.MsgInstruction, Time: time.Now(), Body: body}
}

// Instructions show once and in order, however the hub resends them; the
// crew's receipts queue for the hub and survive a restart.
func TestMailboxAppliesOnceAndQueuesReceipts(t *testing.T) {
	dir := t.TempDir()
	m, err := Open(dir, "xe-01", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		msg  protocol.Message
		want uint64
	}{
		{instruction(t, 1, "i-1", "một"), 1},
		{instruction(t, 3, "i-3", "ba"), 1},  // gap: not applied, ack stays at 1
		{instruction(t, 1, "i-1", "một"), 1}, // duplicate
		{instruction(t, 2, "i-2", "hai"), 2},
		{instruction(t, 3, "i-3", "ba"), 3},
		{instruction(t, 4, "i-2", "hai"), 4}, // the hub requeued i-2 after a crash: shown once
	} {
		ack, err := m.Receive(c.msg)
		if err != nil || ack.Seq != c.want || ack.Stream != "hub>xe-01" {
			t.Fatalf("seq %d: ack %+v err %v, want %d", c.msg.Seq, ack, err, c.want)
		}
	}
	if _, err := m.Receive(protocol.Message{Stream: "hub>xe-02", Seq: 5, Type: protocol.MsgInstruction, Time: time.Now(), Body: []byte(`{}`)}); err == nil {
		t.Fatal("another vehicle's stream accepted")
	}
	list, _ := m.Instructions()
	if len(list) != 3 || list[0].ID != "i-3" || list[2].ID != "i-1" || list[2].Order != 1 || list[0].Order != 3 {
		t.Fatalf("instructions %+v", list)
	}
	if _, err := m.Mark("i-2", StateAcknowledged, "Tổ 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Mark("i-2", StateAcknowledged, "Tổ 1"); err != nil { // again: no second receipt
		t.Fatal(err)
	}
	if _, err := m.Mark("khong-co", StateRead, "Tổ 1"); err == nil {
		t.Fatal("unknown instruction marked")
	}
	m.Close()

	m, err = Open(dir, "xe-01", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p, _ := m.Pending(10)
	if len(p) != 1 || p[0].Stream != "xe-01>hub" || p[0].Type != protocol.MsgReceipt {
		t.Fatalf("pending receipts after restart %+v", p)
	}
	if err := m.Acked(protocol.MessageAck{Stream: "xe-01>hub", Seq: 1}); err != nil || m.Backlog() != 0 {
		t.Fatalf("acked: %v backlog %d", err, m.Backlog())
	}
	if ack, _ := m.Receive(instruction(t, 5, "i-5", "năm")); ack.Seq != 5 {
		t.Fatalf("stream after restart: %d", ack.Seq)
	}
	list, _ = m.Instructions()
	if list[0].Order != 4 || list[2].ID != "i-2" || list[2].Acknowledged.IsZero() {
		t.Fatalf("after restart %+v", list)
	}
}

// Photos are kept content-addressed until uploaded; non-images are refused.
func TestMailboxPhotos(t *testing.T) {
	m, err := Open(t.TempDir(), "xe-01", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.PutPhoto(strings.NewReader("not an image")); !errors.Is(err, ErrPhoto) {
		t.Fatalf("text accepted as a photo: %v", err)
	}
	png := "\x89PNG\r\n\x1a\n" + strings.Repeat("x", 100)
	a, err := m.PutPhoto(strings.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := m.PutPhoto(strings.NewReader(png)); b != a {
		t.Fatal("the same photo got two ids")
	}
	if p, _ := m.PendingPhotos(); len(p) != 1 || p[0] != a || !m.HasPhoto(a) {
		t.Fatalf("pending %v", p)
	}
	if err := m.QueueReport(Report{ClientID: "c", Text: "x", Photos: []string{"../etc"}}); !errors.Is(err, ErrReport) {
		t.Fatalf("a bad photo id queued: %v", err)
	}
	if err := m.PhotoUploaded(a); err != nil {
		t.Fatal(err)
	}
	if p, _ := m.PendingPhotos(); len(p) != 0 || m.HasPhoto(a) {
		t.Fatalf("after upload: %v", p)
	}
}
