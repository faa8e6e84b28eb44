package reports

import (
	"testing"
	"time"

	"fieldwatch/hub/command"
	"fieldwatch/hub/command/commandtest"
	"fieldwatch/hub/store"
)

// The domain's commands survive the wire, and replaying a report's life
// (filed, resent, replied, approved, a second decision refused, done) and
// a rejected one gives the same state on two stores.
func TestCommandsReplay(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)
	crew, leader := Actor{Username: "tocongtac.a", Name: "Tổ A"}, Actor{Username: "lanhdao.a", Name: "Lãnh đạo A"}
	step := func(by Actor, at time.Duration, what, note string) Step {
		return Step{Time: t0.Add(at), By: by.Username, Name: by.Name, What: what, Note: note}
	}
	rep := Report{ID: "0193f0c2-0000-7000-8000-0000000000a1", Unit: "cc-a", Vehicle: "xe-01", By: crew.Username, ByName: crew.Name,
		Title: "Xe tải nghi vấn", Text: "Container không niêm phong", Action: "Dừng xe, kiểm tra", Photos: []string{},
		Snapshot: &Snapshot{Vehicle: "xe-01", Camera: "cam1", Time: t0}, Position: &Position{Lat: 21.85, Lon: 106.76},
		Created: t0, State: StatePending, Via: "phone", Timeline: []Step{step(crew, 0, "raised", "Dừng xe, kiểm tra")}}
	resent := rep
	resent.ID = "0193f0c2-0000-7000-8000-0000000000a2"
	other := rep
	other.ID, other.Vehicle, other.Snapshot, other.Position = "0193f0c2-0000-7000-8000-0000000000a3", "", nil, nil
	reply := step(leader, time.Minute, "replied", "Giữ nguyên hiện trường")
	reply.Instruction = "0193f0c2-0000-7000-8000-000000000001"
	cmds := []command.Command{
		Filed{Report: rep, ClientID: "dien-thoai-1"},
		Filed{Report: resent, ClientID: "dien-thoai-1"},
		Filed{Report: other},
		Replied{Report: rep.ID, Step: reply},
		Decided{Report: rep.ID, Approve: true, Step: step(leader, 2*time.Minute, "", "Đồng ý")},
		Decided{Report: other.ID, Approve: false, Step: step(leader, 2*time.Minute, "", "Không đủ căn cứ")},
		Finished{Report: rep.ID, Step: step(crew, 3*time.Minute, StateDone, "Đã lập biên bản")},
	}
	db := commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier { return New(db, Params{}) }, cmds)
	s := New(db, Params{})
	got, err := s.Get(rep.ID)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, st := range got.Timeline {
		steps = append(steps, st.What)
	}
	if got.State != StateDone || got.Decision == nil || got.Decision.What != StateApproved || len(steps) != 4 ||
		steps[1] != "replied" || steps[2] != "approved" || steps[3] != "done" {
		t.Fatalf("report: %s %v %+v", got.State, steps, got.Decision)
	}
	if _, err := s.Get(resent.ID); err == nil {
		t.Error("a resent report filed twice")
	}
	if o, _ := s.Get(other.ID); o.State != StateRejected {
		t.Errorf("other: %s", o.State)
	}
	for _, c := range []command.Command{
		Decided{Report: rep.ID, Step: step(leader, 4*time.Minute, "", "")},
		Finished{Report: other.ID, Step: step(crew, 4*time.Minute, StateDone, "")},
		Replied{Report: rep.ID, Step: reply},
		Replied{Report: "nope", Step: reply},
	} {
		if err := s.Apply(c); err == nil {
			t.Errorf("%s %+v applied", c.CommandKind(), c)
		}
	}
}
