package mailbox

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"fieldwatch/protocol"
)

func missionMsg(t *testing.T, seq, rev uint64, state string, from, to time.Time) protocol.Message {
	t.Helper()
	body, err := json.Marshal(protocol.Mission{ID: "ms-1", Rev: rev, Vehicle: "xe-01", Crew: []string{"to.truong"}, Site: "Km 3",
		From: from, To: to, Purpose: "Giám sát", State: state})
	if err != nil {
		t.Fatal(err)
	}
	return protocol.Message{Stream: "hub>xe-01", Seq: seq, Type: protocol.MsgMission, Time: time.Now(), Body: body}
}

// A mission keeps its newest revision: a duplicate or an older revision
// changes nothing; the crew's closing report closes it here at once, is
// queued for the hub, and outlives a later hub revision that still says
// it runs.
func TestMailboxKeepsNewestMissionRevision(t *testing.T) {
	m, err := Open(t.TempDir(), "xe-01", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	m.now = func() time.Time { return now }
	from, to := now.Add(time.Hour), now.Add(3*time.Hour)
	for _, c := range []struct {
		msg   protocol.Message
		ack   uint64
		rev   uint64
		state string
	}{
		{missionMsg(t, 1, 1, protocol.MissionPlanned, from, to), 1, 1, protocol.MissionPlanned},
		{missionMsg(t, 1, 1, protocol.MissionPlanned, from, to), 1, 1, protocol.MissionPlanned}, // resent
		{missionMsg(t, 2, 3, protocol.MissionActive, from, to), 2, 3, protocol.MissionActive},
		{missionMsg(t, 3, 2, protocol.MissionPlanned, from, to), 3, 3, protocol.MissionActive}, // an older revision requeued
	} {
		ack, err := m.Receive(c.msg)
		if err != nil || ack.Seq != c.ack {
			t.Fatalf("seq %d: ack %+v %v", c.msg.Seq, ack, err)
		}
		list, _ := m.Missions()
		if len(list) != 1 || list[0].Rev != c.rev || list[0].State != c.state {
			t.Fatalf("seq %d: missions %+v", c.msg.Seq, list)
		}
	}
	if ins, _ := m.Instructions(); len(ins) != 0 {
		t.Fatalf("a mission became an instruction: %+v", ins)
	}
	if on, _ := m.MissionActive(now); !on {
		t.Fatal("a started mission is not active")
	}
	if _, err := m.CloseMission("ms-1", " ", "", "Tổ 1"); !errors.Is(err, ErrMission) {
		t.Fatalf("empty summary: %v", err)
	}
	before := m.Backlog()
	got, err := m.CloseMission("ms-1", "Hoàn thành", "Không vi phạm", "Tổ 1")
	if err != nil || got.State != protocol.MissionClosed || m.Backlog() != before+1 {
		t.Fatalf("close: %+v %v backlog %d", got, err, m.Backlog())
	}
	if _, err := m.CloseMission("ms-1", "lần hai", "", "Tổ 1"); !errors.Is(err, ErrMission) {
		t.Fatalf("closed twice: %v", err)
	}
	pending, _ := m.Pending(10)
	last := pending[len(pending)-1]
	var c protocol.MissionClose
	if err := json.Unmarshal(last.Body, &c); err != nil || last.Type != protocol.MsgMissionReport || c.Summary != "Hoàn thành" || last.Validate() != nil {
		t.Fatalf("queued %+v", last)
	}
	// The hub's revision sent before it got the report still says active.
	if _, err := m.Receive(missionMsg(t, 4, 4, protocol.MissionActive, from, to)); err != nil {
		t.Fatal(err)
	}
	if on, _ := m.MissionActive(now); on {
		t.Fatal("a mission the crew closed runs again")
	}
}
