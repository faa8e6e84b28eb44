package profiles

import (
	"errors"
	"math"
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
	"fieldwatch/hub/rules"
	"fieldwatch/hub/store"
	"fieldwatch/protocol"
)

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
	l.actions = append(l.actions, action)
}

func (l *auditLog) Add(user, _, action, _, _, _ string) error {
	l.actions = append(l.actions, user+":"+action)
	return nil
}

type onDuty []string

func (o onDuty) SurveillanceOnDuty(string, time.Time) ([]string, error) { return o, nil }

func cameras(v string) ([]string, error) {
	if v == "xe-01" || v == "xe-02" {
		return []string{"cam1", "cam2"}, nil
	}
	return nil, errors.New("no such vehicle")
}

// An officer drafts and submits; a leader of another branch neither sees
// nor decides; the leader over the unit approves; a track through the
// gate raises one alert for the watcher and the officer on duty, who
// acknowledges and resolves it.
func TestAPIAndDispatch(t *testing.T) {
	t.Parallel()
	c := &clock{t: t0}
	db := openDB(t, t.TempDir())
	t.Cleanup(func() { db.Close() })
	s := New(db, c.now)
	al, err := OpenAlerts(db, c.now)
	if err != nil {
		t.Fatal(err)
	}
	log := &auditLog{}
	accounts := users{
		"giamsat":   {Username: "giamsat", Unit: "cc-a", Roles: []string{access.Surveillance}},
		"lanhdao":   {Username: "lanhdao", Unit: "cc-a", Roles: []string{access.Leader}},
		"lanhdao.b": {Username: "lanhdao.b", Unit: "cc-b", Roles: []string{access.Leader}},
		"crew":      {Username: "crew", Unit: "cc-a", Roles: []string{access.Crew}},
	}
	t3 := tree{"cc-a": "cuc", "cc-b": "cuc"}
	scope := access.Scope{Tree: t3, Vehicles: vehicles{"xe-01": "cc-a", "xe-02": "cc-b"}}
	srv := apitest.New(t, scope, NewAPI(APIParams{Profiles: s, Alerts: al, Scope: scope, Cameras: cameras, Users: accounts, Audit: log, Now: c.now}).Routes())
	for _, u := range accounts {
		srv.User(u)
	}
	spec := gateSpec("Cửa khẩu")
	spec.WatchOnDuty = true
	req := Request{Unit: "cc-a", Spec: spec}
	bad := req
	bad.Watchers = []string{"crew"}
	if code, body := srv.Do("giamsat", "POST", "/api/v1/profiles", bad); code != 400 || !strings.Contains(string(body), `"bad_request"`) {
		t.Fatalf("a crew member watching: %d %s", code, body)
	}
	bad = req
	bad.Scope.Cameras = []string{"xe-02/cam1"}
	if code, body := srv.Do("giamsat", "POST", "/api/v1/profiles", bad); code != 400 {
		t.Fatalf("a camera of another unit: %d %s", code, body)
	}
	if code, body := srv.Do("giamsat", "POST", "/api/v1/profiles", Request{Unit: "cc-b", Spec: spec}); code != 403 {
		t.Fatalf("another unit's profile: %d %s", code, body)
	}
	var p View
	srv.JSON("giamsat", "POST", "/api/v1/profiles", req, 201, &p)
	if p.Status != StateDraft || p.Armed {
		t.Fatalf("drafted: %+v", p)
	}
	yes := true
	if code, body := srv.Do("lanhdao", "POST", "/api/v1/profiles/"+p.ID+"/decision", DecisionRequest{Approve: &yes}); code != 409 || !strings.Contains(string(body), `"conflict"`) {
		t.Fatalf("a draft decided: %d %s", code, body)
	}
	srv.JSON("giamsat", "POST", "/api/v1/profiles/"+p.ID+"/submit", nil, 200, &p)
	if code, _ := srv.Do("lanhdao.b", "GET", "/api/v1/profiles/"+p.ID, nil); code != 403 {
		t.Fatalf("another branch reads: %d", code)
	}
	if code, _ := srv.Do("lanhdao.b", "POST", "/api/v1/profiles/"+p.ID+"/decision", DecisionRequest{Approve: &yes}); code != 403 {
		t.Fatalf("another branch decides: %d", code)
	}
	if code, body := srv.Do("lanhdao", "GET", "/api/v1/profiles/nope", nil); code != 404 || !strings.Contains(string(body), `"not_found"`) {
		t.Fatalf("unknown profile: %d %s", code, body)
	}
	var pending []View
	srv.JSON("lanhdao", "GET", "/api/v1/profiles?state=pending", nil, 200, &pending)
	if len(pending) != 1 {
		t.Fatalf("pending: %+v", pending)
	}
	srv.JSON("lanhdao", "POST", "/api/v1/profiles/"+p.ID+"/decision", DecisionRequest{Approve: &yes, Note: "Đồng ý"}, 200, &p)
	if p.State != StateApproved || !p.Armed {
		t.Fatalf("approved: %+v", p)
	}
	// The leader proposes a revision and may not approve it themself.
	srv.JSON("lanhdao", "PUT", "/api/v1/profiles/"+p.ID, Request{Spec: spec}, 200, &p)
	if code, body := srv.Do("lanhdao", "POST", "/api/v1/profiles/"+p.ID+"/decision", DecisionRequest{Approve: &yes}); code != 403 || !strings.Contains(string(body), `"forbidden"`) {
		t.Fatalf("one's own revision decided: %d %s", code, body)
	}

	d := NewDispatch(DispatchParams{Profiles: s, Alerts: al, Tree: t3, Cameras: cameras, OnDuty: onDuty{"giamsat", "trucca"}, Audit: log, Now: c.now})
	for _, m := range []float64{2000, 700, 300, 0, 300, 2000} {
		c.t = c.t.Add(time.Second)
		d.Telemetry("xe-01", &protocol.Telemetry{GPS: &protocol.GPSFix{Lat: gate[0] + m/(6371000*math.Pi/180), Lon: gate[1], AccuracyM: 5}})
	}
	var list []Alert
	srv.JSON("giamsat", "GET", "/api/v1/profile-alerts?mine=1&state=open", nil, 200, &list)
	if len(list) != 1 || list[0].Unit != "cc-a" || strings.Join(list[0].Audience, ",") != "giamsat,trucca" {
		t.Fatalf("alerts: %+v", list)
	}
	srv.JSON("lanhdao.b", "GET", "/api/v1/profile-alerts", nil, 200, &list)
	if len(list) != 0 {
		t.Fatalf("another branch sees: %+v", list)
	}
	srv.JSON("giamsat", "GET", "/api/v1/profile-alerts", nil, 200, &list)
	id := list[0].ID
	if code, _ := srv.Do("lanhdao.b", "POST", "/api/v1/profile-alerts/"+id+"/ack", nil); code != 403 {
		t.Fatalf("another branch acknowledges: %d", code)
	}
	srv.JSON("giamsat", "POST", "/api/v1/profile-alerts/"+id+"/ack", nil, 200, nil)
	if code, _ := srv.Do("giamsat", "POST", "/api/v1/profile-alerts/"+id+"/resolve", NoteRequest{}); code != 400 {
		t.Fatalf("resolved without a note: %d", code)
	}
	var a Alert
	srv.JSON("giamsat", "POST", "/api/v1/profile-alerts/"+id+"/resolve", NoteRequest{Note: "Đã kiểm tra"}, 200, &a)
	if a.State != AlertResolved || a.AckBy != "giamsat" {
		t.Fatalf("resolved: %+v", a)
	}
	if code, _ := srv.Do("giamsat", "POST", "/api/v1/profile-alerts/"+id+"/ack", nil); code != 409 {
		t.Fatalf("a resolved alert acknowledged: %d", code)
	}
	srv.JSON("giamsat", "POST", "/api/v1/profiles/"+p.ID+"/close", NoteRequest{Note: "Kết thúc"}, 200, &p)
	want := "profile.create profile.submit profile.approve profile.revise hub:profile.alert profile.alert.ack profile.alert.resolve profile.close"
	if got := strings.Join(log.actions, " "); got != want {
		t.Fatalf("audit:\n got %s\nwant %s", got, want)
	}
}

// A realistic profile's life and an event's alerts replay to the same state.
func TestCommandsReplay(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	spec, err := gateSpec("Cửa khẩu").Normalize()
	if err != nil {
		t.Fatal(err)
	}
	spec.Window.From = spec.Window.From.UTC()
	alert := Alert{ID: "pa-1", Profile: "hs-1", ProfileTitle: "Cửa khẩu", Unit: "cc-a", Rule: "vao", Type: rules.GeofenceEnter,
		Cause: "vao", Message: "xe-01 vào vùng", Vehicle: "xe-01", Time: at.Add(time.Hour), State: AlertOpen, Audience: []string{"giamsat"}}
	cmds := []command.Command{
		Drafted{ID: "hs-1", Unit: "cc-a", Author: "giamsat", At: at, Spec: spec},
		Edited{ID: "hs-1", By: "giamsat", At: at.Add(time.Minute), Spec: spec},
		Submitted{ID: "hs-1", By: "giamsat", At: at.Add(2 * time.Minute)},
		Decided{ID: "hs-1", By: "lanhdao", At: at.Add(3 * time.Minute), Approve: true, Note: "Đồng ý"},
		AlertsRaised{Memory: map[string]string{"hs-1|vao|xe-01": "in"}, Alerts: []RaisedAlert{{Cause: "hs-1|vao|xe-01|1", Alert: alert}}},
		AlertsRaised{Alerts: []RaisedAlert{{Cause: "hs-1|vao|xe-01|1", Alert: Alert{ID: "pa-2", Profile: "hs-1", State: AlertOpen, Audience: []string{}}}}},
		AlertAcked{ID: "pa-1", By: "giamsat", At: at.Add(2 * time.Hour)},
		AlertClosed{ID: "pa-1", By: "giamsat", At: at.Add(3 * time.Hour), Note: "Đã kiểm tra"},
		Edited{ID: "hs-1", By: "lanhdao", At: at.Add(4 * time.Hour), Spec: spec},
		Closed{ID: "hs-1", By: "giamsat", At: at.Add(5 * time.Hour), Note: "Kết thúc"},
	}
	db := commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier {
		a, err := OpenAlerts(db, nil)
		if err != nil {
			t.Fatal(err)
		}
		s := New(db, nil)
		return applierFunc(func(c command.Command) error {
			if strings.HasPrefix(c.CommandKind(), "profiles.alert.") {
				return a.Apply(c)
			}
			return s.Apply(c)
		})
	}, cmds)
	s, a := New(db, nil), must(OpenAlerts(db, nil))
	p, _ := s.Get("hs-1")
	if p.State != StateClosed || p.Pending != nil || len(p.History) != 6 {
		t.Fatalf("after replay: %+v", p)
	}
	if _, err := a.Get("pa-2"); !errors.Is(err, ErrUnknownAlert) {
		t.Fatalf("a cause alerted twice: %v", err)
	}
	if got, _ := a.Get("pa-1"); got.State != AlertResolved {
		t.Fatalf("alert after replay: %+v", got)
	}
	if a.mem["hs-1|vao|xe-01"] != "in" {
		t.Fatalf("memory after replay: %v", a.mem)
	}
	if err := s.Apply(Submitted{ID: "hs-1", By: "x", At: at}); !errors.Is(err, ErrState) {
		t.Fatalf("a closed profile submitted: %v", err)
	}
}

type applierFunc func(command.Command) error

func (f applierFunc) Apply(c command.Command) error { return f(c) }
