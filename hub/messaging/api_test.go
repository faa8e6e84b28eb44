package messaging

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/httpapi/apitest"
	"fieldwatch/hub/store"
)

// tree is a unit tree by parent.
type tree map[string]string

func (t tree) Within(unit, ancestor string) bool {
	for u := unit; u != ""; u = t[u] {
		if u == ancestor {
			return true
		}
	}
	return false
}

var units = tree{"cuc": "tong-cuc", "cc-a": "cuc", "doi-a": "cc-a", "cc-b": "cuc"}

type vehicles []fleet.Vehicle

func (vs vehicles) UnitOf(id string) (string, error) {
	for _, v := range vs {
		if v.ID == id {
			return v.Unit, nil
		}
	}
	return "", fmt.Errorf("%w: %s", fleet.ErrUnknownVehicle, id)
}

func (vs vehicles) List() ([]fleet.Vehicle, error) { return vs, nil }

type accounts map[string]auth.User

func (a accounts) User(name string) (auth.User, error) {
	u, ok := a[name]
	if !ok {
		return u, fmt.Errorf("%w: %s", auth.ErrUnknownUser, name)
	}
	return u, nil
}

func (a accounts) Users() ([]auth.User, error) {
	var out []auth.User
	for _, u := range a {
		out = append(out, u)
	}
	slices.SortFunc(out, func(x, y auth.User) int { return strings.Compare(x.Username, y.Username) })
	return out, nil
}

// auditor keeps the actions recorded.
type auditor struct {
	mu      sync.Mutex
	actions []string
}

func (a *auditor) Record(_ *http.Request, who audit.Actor, action, object, _ string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.actions = append(a.actions, action+" "+object)
}

func (a *auditor) Add(user, _, action, object, _, _ string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.actions = append(a.actions, action+" "+object)
	return nil
}

func (a *auditor) has(action string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.ContainsFunc(a.actions, func(s string) bool { return s == action || strings.HasPrefix(s, action+" ") })
}

var fleetOf = vehicles{{ID: "xe-01", Name: "Xe 01", Unit: "cc-a"}, {ID: "xe-02", Name: "Xe 02", Unit: "cc-b"}}

var people = accounts{
	"lanhdao.a":   {Username: "lanhdao.a", Name: "Lãnh đạo A", Unit: "cc-a", Roles: []string{auth.RoleLeader}},
	"lanhdao.b":   {Username: "lanhdao.b", Name: "Lãnh đạo B", Unit: "cc-b", Roles: []string{auth.RoleLeader}},
	"giamsat.a":   {Username: "giamsat.a", Name: "Giám sát A", Unit: "doi-a", Roles: []string{auth.RoleSurveillance}},
	"trucban":     {Username: "trucban", Name: "Trực ban", Unit: "cuc", Roles: []string{auth.RoleDuty}},
	"tocongtac.b": {Username: "tocongtac.b", Name: "Tổ B", Unit: "cc-b", Roles: []string{auth.RoleCrew}},
	"huutri":      {Username: "huutri", Unit: "cc-a", Roles: []string{auth.RoleDuty}, Retired: true},
}

type fixture struct {
	svc   *Service
	srv   *apitest.Server
	audit *auditor
	now   *time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	f := &fixture{audit: &auditor{}, now: &now}
	clock := func() time.Time { return *f.now }
	if f.svc, err = New(db, Params{Now: clock}); err != nil {
		t.Fatal(err)
	}
	scope := access.Scope{Tree: units, Vehicles: fleetOf}
	api := NewAPI(APIParams{Service: f.svc, Scope: scope, Fleet: fleetOf, Accounts: people, Audit: f.audit, Now: clock})
	f.srv = apitest.New(t, scope, api.Routes())
	for _, u := range people {
		f.srv.User(u)
	}
	return f
}

// An instruction to an officer by account: within the sender's scope only,
// delivered when the officer's app fetches it, acknowledged by the officer.
func TestInstructionToAnOfficer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := f.srv
	if status, _ := s.Do("lanhdao.b", "POST", "/api/v1/instructions", map[string]any{"text": "Theo dõi cổng 2", "users": []string{"giamsat.a"}}); status != 403 {
		t.Fatalf("a sibling branch's leader instructs our officer: %d", status)
	}
	var in View
	s.JSON("lanhdao.a", "POST", "/api/v1/instructions", map[string]any{"text": "Theo dõi cổng 2", "users": []string{"giamsat.a"}, "urgent": true}, 201, &in)
	if len(in.To) != 1 || in.To[0].State != "sent" {
		t.Fatalf("send: %+v", in)
	}
	var list []View
	s.JSON("giamsat.a", "GET", "/api/v1/instructions", nil, 200, &list)
	if !slices.ContainsFunc(list, func(v View) bool { return v.ID == in.ID }) {
		t.Fatalf("the officer does not see it: %+v", list)
	}
	var one View
	s.JSON("lanhdao.a", "GET", "/api/v1/instructions/"+in.ID, nil, 200, &one)
	if one.To[0].State != "delivered" {
		t.Fatalf("not delivered after the officer's app fetched it: %+v", one)
	}
	if status, _ := s.Do("lanhdao.b", "GET", "/api/v1/instructions/"+in.ID, nil); status != 403 {
		t.Fatalf("sibling leader reads it: %d", status)
	}
	s.JSON("giamsat.a", "POST", "/api/v1/instructions/"+in.ID+"/receipt", map[string]any{"state": "acknowledged"}, 200, &in)
	if in.To[0].State != "acknowledged" || in.To[0].AckedBy != "Giám sát A" {
		t.Fatalf("receipt: %+v", in)
	}
	if !f.audit.has("instruction.send") || !f.audit.has("instruction.acknowledged") {
		t.Errorf("audit: %v", f.audit.actions)
	}
}

// Sending to vehicles and to a unit's vehicles: each in the sender's
// scope; bad requests and unknown things get their status.
func TestSendToVehicles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := f.srv
	for _, c := range []struct {
		user string
		body map[string]any
		want int
	}{
		{"lanhdao.a", map[string]any{"text": "x", "vehicles": []string{"xe-02"}}, 403},
		{"lanhdao.a", map[string]any{"text": "x", "unit": "cc-b"}, 403},
		{"lanhdao.a", map[string]any{"text": "x", "vehicles": []string{"xe-99"}}, 404},
		{"lanhdao.a", map[string]any{"text": "x", "users": []string{"huutri"}}, 400},
		{"lanhdao.a", map[string]any{"text": "  ", "vehicles": []string{"xe-01"}}, 400},
		{"lanhdao.a", map[string]any{"text": "x"}, 400},
		{"lanhdao.a", map[string]any{"text": "x", "bogus": 1}, 400},
		{"giamsat.a", map[string]any{"text": "x", "vehicles": []string{"xe-01"}}, 403}, // not allowed to send
	} {
		if status, body := s.Do(c.user, "POST", "/api/v1/instructions", c.body); status != c.want {
			t.Errorf("%s %v: %d %s, want %d", c.user, c.body, status, body, c.want)
		}
	}
	var in View
	s.JSON("trucban", "POST", "/api/v1/instructions", map[string]any{"text": "Về đơn vị", "unit": "cuc", "client_id": "k-1"}, 201, &in)
	if len(in.To) != 2 || in.To[0].Seq != 1 || in.To[1].Seq != 1 {
		t.Fatalf("to a unit's vehicles: %+v", in.To)
	}
	var again View
	s.JSON("trucban", "POST", "/api/v1/instructions", map[string]any{"text": "Về đơn vị", "unit": "cuc", "client_id": "k-1"}, 201, &again)
	if again.ID != in.ID {
		t.Fatal("a retried send made a second instruction")
	}
	if p, _ := f.svc.Pending("xe-02", 10); len(p) != 1 {
		t.Fatalf("xe-02 pending %+v", p)
	}
	if status, _ := s.Do("lanhdao.a", "GET", "/api/v1/instructions/nope", nil); status != 404 {
		t.Errorf("unknown instruction: %d", status)
	}
	if status, _ := s.Do("lanhdao.a", "POST", "/api/v1/instructions/"+in.ID+"/receipt", map[string]any{"state": "seen"}); status != 400 {
		t.Errorf("bad receipt state: %d", status)
	}
	if status, _ := s.Do("lanhdao.b", "POST", "/api/v1/instructions/"+in.ID+"/receipt", map[string]any{"state": "read", "vehicle": "xe-01"}); status != 403 {
		t.Errorf("receipt for another branch's vehicle: %d", status)
	}
}

// An overdue urgent instruction escalates once: to the duty officers who
// see a recipient's unit and the crews of that unit; one alert per
// unacknowledged vehicle, one audit record.
func TestEscalation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	in, err := f.svc.Send(Sender{Username: "lanhdao.a"}, "", "Dừng xe", true, []Target{{Vehicle: "xe-01", Unit: "cc-a"}, {Vehicle: "xe-02", Unit: "cc-b"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Acknowledge(in.ID, "xe-01", "", StateAcknowledged, "Tổ 1"); err != nil {
		t.Fatal(err)
	}
	var alerted []string
	esc := NewEscalation(EscalationParams{Service: f.svc, Officers: people, Tree: units, Audit: f.audit, Logger: slog.New(slog.DiscardHandler),
		Alert: func(vehicle, msg string) error { alerted = append(alerted, vehicle+": "+msg); return nil }})
	esc.Once()
	if len(alerted) != 0 {
		t.Fatalf("escalated before due: %v", alerted)
	}
	*f.now = f.now.Add(6 * time.Minute)
	esc.Once()
	esc.Once()
	got, _ := f.svc.Get(in.ID)
	if !slices.Equal(got.EscalatedTo, []string{"tocongtac.b", "trucban"}) || len(alerted) != 1 || alerted[0] != "xe-02: chỉ thị khẩn chưa được xác nhận sau hạn 15:05: Dừng xe" {
		t.Fatalf("escalated to %v, alerts %v", got.EscalatedTo, alerted)
	}
	if !f.audit.has("instruction.escalate " + in.ID) {
		t.Errorf("audit: %v", f.audit.actions)
	}
}
