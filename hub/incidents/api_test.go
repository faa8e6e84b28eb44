package incidents

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/command"
	"fieldwatch/hub/command/commandtest"
	"fieldwatch/hub/httpapi/apitest"
	"fieldwatch/hub/monitor"
	"fieldwatch/hub/store"
)

// tree: cc-a and cc-b under cuc.
type tree map[string]string

func (t tree) Within(unit, ancestor string) bool {
	for u := unit; u != ""; u = t[u] {
		if u == ancestor {
			return true
		}
	}
	return false
}

type vehicles map[string]string

func (v vehicles) UnitOf(id string) (string, error) {
	if u, ok := v[id]; ok {
		return u, nil
	}
	return "", errors.New("no such vehicle")
}

type users map[string]auth.User

func (us users) User(name string) (auth.User, error) {
	if u, ok := us[name]; ok {
		return u, nil
	}
	return auth.User{}, auth.ErrUnknownUser
}

type auditLog struct{ actions []string }

func (l *auditLog) Record(_ *http.Request, _ audit.Actor, action, object, _ string) {
	l.actions = append(l.actions, action+" "+object)
}

func newStore(t *testing.T, now func() time.Time) *Store {
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return New(db, Weekdays{Zone: ict}, now)
}

func TestAPI(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, ict)
	s := newStore(t, func() time.Time { return now })
	log := &auditLog{}
	accounts := users{
		"trucban": {Username: "trucban", Unit: "cc-a", Roles: []string{access.Duty}},
		"other":   {Username: "other", Unit: "cc-b", Roles: []string{access.Duty}},
		"crew":    {Username: "crew", Unit: "cc-a", Roles: []string{access.Crew}},
	}
	scope := access.Scope{Tree: tree{"cc-a": "cuc", "cc-b": "cuc"}, Vehicles: vehicles{"xe-01": "cc-a", "xe-02": "cc-b"}}
	srv := apitest.New(t, scope, NewAPI(APIParams{Store: s, Scope: scope, Users: accounts, Audit: log, Days: Weekdays{Zone: ict},
		Now: func() time.Time { return now }}).Routes())
	for _, u := range accounts {
		srv.User(u)
	}
	var in View
	srv.JSON("trucban", "POST", "/api/v1/incidents", OpenRequest{Kind: KindCamera, Vehicle: "xe-01", Camera: "cam1", Title: "Camera cổng 2"}, 201, &in)
	if in.Unit != "cc-a" || in.OpenedBy != "trucban" || in.Overdue {
		t.Fatalf("opened: %+v", in)
	}
	if code, body := srv.Do("trucban", "POST", "/api/v1/incidents", OpenRequest{Kind: KindCamera, Vehicle: "xe-02", Title: "x"}); code != 403 {
		t.Fatalf("a vehicle of another unit: %d %s", code, body)
	}
	if code, body := srv.Do("trucban", "POST", "/api/v1/incidents", OpenRequest{Kind: "fire", Title: "x"}); code != 400 || !strings.Contains(string(body), `"invalid"`) {
		t.Fatalf("unknown kind: %d %s", code, body)
	}
	if code, body := srv.Do("other", "GET", "/api/v1/incidents/"+in.ID, nil); code != 403 {
		t.Fatalf("another unit's incident: %d %s", code, body)
	}
	if code, body := srv.Do("trucban", "GET", "/api/v1/incidents/nope", nil); code != 404 || !strings.Contains(string(body), `"not_found"`) {
		t.Fatalf("unknown incident: %d %s", code, body)
	}
	if code, body := srv.Do("trucban", "POST", "/api/v1/incidents/"+in.ID+"/assign", ActionRequest{Assignee: "crew"}); code != 400 {
		t.Fatalf("assigned to a crew member: %d %s", code, body)
	}
	srv.JSON("trucban", "POST", "/api/v1/incidents/"+in.ID+"/assign", ActionRequest{Assignee: "trucban"}, 200, &in)
	srv.JSON("trucban", "POST", "/api/v1/incidents/"+in.ID+"/gate", ActionRequest{Plate: "29c-123.45", In: now}, 200, &in)
	if in.Assignee != "trucban" || len(in.GateLog) != 1 || in.GateLog[0].Plate != "29C-123.45" {
		t.Fatalf("assigned, gate log: %+v", in)
	}
	now = now.Add(72 * time.Hour) // Monday: a working day without an update
	var list []View
	srv.JSON("trucban", "GET", "/api/v1/incidents?state=open", nil, 200, &list)
	if len(list) != 1 || !list[0].UpdateMissing {
		t.Fatalf("open list: %+v", list)
	}
	srv.JSON("other", "GET", "/api/v1/incidents", nil, 200, &list)
	if len(list) != 0 {
		t.Fatalf("another unit sees: %+v", list)
	}
	srv.JSON("trucban", "POST", "/api/v1/incidents/"+in.ID+"/close", ActionRequest{Cause: "hỏng nguồn", Fix: "thay nguồn"}, 200, &in)
	if code, body := srv.Do("trucban", "POST", "/api/v1/incidents/"+in.ID+"/update", ActionRequest{Text: "x"}); code != 409 || !strings.Contains(string(body), `"conflict"`) {
		t.Fatalf("update of a closed incident: %d %s", code, body)
	}
	if want := "incident.open " + in.ID; len(log.actions) != 4 || log.actions[0] != want {
		t.Fatalf("audit: %q", log.actions)
	}
}

type services []monitor.Service

// A link down longer than the threshold opens an incident once; the
// camera of a vehicle whose link is down opens none; the link back closes it.
func TestWatcher(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, ict)
	s := newStore(t, func() time.Time { return now })
	svcs := services{
		{Host: "xe-01", Name: ControlService, Unit: "cc-a", State: monitor.Stopped, Since: now.Add(-2 * time.Minute)},
		{Host: "xe-01", Name: "camera cam1", Unit: "cc-a", State: monitor.Stopped, Since: now.Add(-2 * time.Minute)},
		{Host: "hub", Name: ControlService, State: monitor.Stopped, Since: now.Add(-time.Hour)},
	}
	var raised []string
	w := NewWatcher(WatchParams{Store: s, Services: &svcs, Online: func(string) bool { return false }, After: time.Minute,
		Overdue: func(v, c, msg string) error { raised = append(raised, msg); return nil }, Now: func() time.Time { return now }})
	w.Check()
	w.Check()
	open, _ := s.List(func(in *Incident) bool { return in.Closed.IsZero() })
	if len(open) != 1 || open[0].Kind != KindTransmission || open[0].OpenedBy != "auto" {
		t.Fatalf("one transmission incident: %+v", open)
	}
	now = now.Add(6 * 24 * time.Hour)
	w.Check()
	w.Check()
	if len(raised) != 1 || !strings.Contains(raised[0], "quá hạn") {
		t.Fatalf("overdue alerts: %q", raised)
	}
	svcs[0].State = monitor.Running
	w.Check()
	if open, _ = s.List(func(in *Incident) bool { return in.Closed.IsZero() }); len(open) != 0 {
		t.Fatalf("the link is back: %+v", open)
	}
}

func (s *services) Current() []monitor.Service { return *s }

// The commands of a realistic incident's life give the same state on two
// fresh stores.
func TestCommandsReplay(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	due := time.Date(2026, 12, 4, 16, 59, 59, 0, time.UTC)
	cmds := []command.Command{
		Opened{ID: "sc-1", Kind: KindCamera, Unit: "cc-a", Vehicle: "xe-01", Camera: "cam1", Title: "Camera cổng 2", By: "trucban", At: at, Due: due},
		Opened{ID: "sc-2", Kind: KindTransmission, Unit: "cc-a", Vehicle: "xe-01", Title: "Mất kết nối", By: "auto", At: at, Due: due},
		Opened{ID: "sc-3", Kind: KindTransmission, Unit: "cc-a", Vehicle: "xe-01", Title: "Mất kết nối", By: "auto", At: at.Add(time.Minute), Due: due},
		Assigned{ID: "sc-1", Assignee: "kythuat", By: "trucban", At: at.Add(time.Hour)},
		Updated{ID: "sc-1", By: "kythuat", At: at.Add(2 * time.Hour), Text: "đã báo nhà cung cấp"},
		GateLogged{ID: "sc-1", Entry: GateEntry{Time: at.Add(3 * time.Hour), By: "trucban", Plate: "29C-123.45", In: at.Add(3 * time.Hour)}},
		Escalated{ID: "sc-1", At: due.Add(time.Hour)},
		Closed{ID: "sc-2", By: "auto", At: at.Add(4 * time.Hour), Cause: "tự phục hồi", Fix: "kết nối trở lại"},
		Closed{ID: "sc-1", By: "kythuat", At: due.Add(2 * time.Hour), Cause: "hỏng nguồn", Fix: "thay nguồn"},
	}
	db := commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier {
		return New(db, Weekdays{Zone: ict}, func() time.Time { t.Fatal("apply read the clock"); return time.Time{} })
	}, cmds)
	s := New(db, Weekdays{Zone: ict}, nil)
	if _, err := s.Get("sc-3"); !errors.Is(err, ErrUnknown) {
		t.Fatalf("a second automatic incident for one cause: %v", err)
	}
	in, _ := s.Get("sc-1")
	if in.Closed.IsZero() || in.Assignee != "kythuat" || len(in.Updates) != 2 || len(in.GateLog) != 1 || in.Escalated.IsZero() {
		t.Fatalf("after replay: %+v", in)
	}
	if err := s.Apply(Updated{ID: "sc-1", By: "x", At: at, Text: "late"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("update of a closed incident: %v", err)
	}
}
