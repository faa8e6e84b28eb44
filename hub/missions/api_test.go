package missions

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi/apitest"
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

type auditLog struct{ actions map[string]bool }

func (l *auditLog) Record(_ *http.Request, _ audit.Actor, action, _, _ string) {
	l.actions[action] = true
}

type noLog struct{}

func (noLog) VehicleEntries(string, time.Time, time.Time) ([]Entry, error) { return nil, nil }

func missionBody(vehicle string, crew []string, from time.Time) []byte {
	b, _ := json.Marshal(map[string]any{"vehicle": vehicle, "crew": crew, "site": "Quốc lộ 1A Km 3–Km 12",
		"waypoints": []map[string]any{{"name": "Km 3", "lat": 21.85, "lon": 106.76}, {"name": "Km 12", "lat": 21.93, "lon": 106.72}},
		"from":      from, "to": from.Add(4 * time.Hour), "purpose": "Giám sát xe container quá cảnh"})
	return b
}

func newAPI(t *testing.T) (*apitest.Server, *Store, *auditLog, *clock) {
	s, c, _ := newStore(t)
	log := &auditLog{actions: map[string]bool{}}
	accounts := users{
		"trucban": {Username: "trucban", Name: "Trực ban", Unit: "cuc", Roles: []string{access.Duty}},
		"duty.a":  {Username: "duty.a", Name: "Trực ban A", Unit: "cc-a", Roles: []string{access.Duty}},
		"duty.b":  {Username: "duty.b", Name: "Trực ban B", Unit: "cc-b", Roles: []string{access.Duty}},
		"crew.a1": {Username: "crew.a1", Name: "Tổ A1", Unit: "cc-a", Roles: []string{access.Crew}},
		"crew.a2": {Username: "crew.a2", Name: "Tổ A2", Unit: "cc-a", Roles: []string{access.Crew}},
		"crew.b1": {Username: "crew.b1", Name: "Tổ B1", Unit: "cc-b", Roles: []string{access.Crew}},
		"surv.a":  {Username: "surv.a", Name: "Giám sát A", Unit: "cc-a", Roles: []string{access.Surveillance}},
	}
	scope := access.Scope{Tree: tree{"cc-a": "cuc", "cc-b": "cuc"}, Vehicles: vehicles{"xe-01": "cc-a", "xe-02": "cc-b"}}
	srv := apitest.New(t, scope, NewAPI(APIParams{Store: s, Scope: scope, Users: accounts, Audit: log, Log: noLog{}, Now: c.Now}).Routes())
	for _, u := range accounts {
		srv.User(u)
	}
	return srv, s, log, c
}

// Crew accounts see only the missions they are on; other units' missions
// are invisible to everyone but their parents' officers; only leaders and
// duty officers plan, and a crew member closes only their own mission.
func TestMissionAccess(t *testing.T) {
	t.Parallel()
	srv, _, log, _ := newAPI(t)
	from := t0.Add(time.Hour)
	var a Mission
	srv.JSON("duty.a", "POST", "/api/v1/missions", missionBody("xe-01", []string{"crew.a1"}, from), http.StatusCreated, &a)
	if st, body := srv.Do("duty.a", "POST", "/api/v1/missions", missionBody("xe-02", nil, from)); st != http.StatusForbidden {
		t.Fatalf("another unit's vehicle: %d %s", st, body)
	}
	srv.JSON("duty.b", "POST", "/api/v1/missions", missionBody("xe-02", []string{"crew.b1"}, from), http.StatusCreated, nil)
	if st, body := srv.Do("crew.a1", "POST", "/api/v1/missions", missionBody("xe-01", nil, from)); st != http.StatusForbidden {
		t.Fatalf("a crew planned a mission: %d %s", st, body)
	}
	for _, c := range []struct {
		who, query string
		want       int
	}{
		{"duty.a", "", 1}, {"duty.b", "", 1}, {"trucban", "", 2}, {"surv.a", "", 1},
		{"crew.a1", "", 1}, {"crew.a1", "?mine=1", 1}, {"crew.a2", "", 0}, {"crew.b1", "", 1}, // a crew sees only its own missions
		{"duty.a", "?mine=1", 0}, {"duty.a", "?state=planned", 1}, {"duty.a", "?state=closed", 0},
	} {
		st, body := srv.Do(c.who, "GET", "/api/v1/missions"+c.query, nil)
		var list []json.RawMessage
		if st != http.StatusOK || json.Unmarshal(body, &list) != nil || len(list) != c.want {
			t.Errorf("%s lists %s: %d %s, want %d missions", c.who, c.query, st, body, c.want)
		}
	}
	for who, want := range map[string]int{"crew.a1": 200, "crew.a2": 403, "duty.b": 403, "surv.a": 200} {
		for _, sub := range []string{"", "/log", "/track"} {
			if st, body := srv.Do(who, "GET", "/api/v1/missions/"+a.ID+sub, nil); st != want {
				t.Errorf("%s GET %s: %d %s, want %d", who, sub, st, body, want)
			}
		}
	}
	if st, _ := srv.Do("crew.a1", "POST", "/api/v1/missions/"+a.ID+"/cancel", []byte(`{"reason":"x"}`)); st != http.StatusForbidden {
		t.Fatalf("a crew cancelled: %d", st)
	}
	if st, body := srv.Do("crew.a1", "POST", "/api/v1/missions/"+a.ID+"/close", []byte(`{"summary":"x"}`)); st != http.StatusConflict || !strings.Contains(string(body), `"conflict"`) {
		t.Fatalf("closing a planned mission: %d %s", st, body)
	}
	if st, _ := srv.Do("crew.a2", "POST", "/api/v1/missions/"+a.ID+"/start", []byte(`{}`)); st != http.StatusForbidden {
		t.Fatalf("another crew started it: %d", st)
	}
	if st, _ := srv.Do("crew.a1", "POST", "/api/v1/missions/"+a.ID+"/start", []byte(`{}`)); st != http.StatusOK {
		t.Fatalf("its crew could not start it: %d", st)
	}
	st, body := srv.Do("crew.a1", "POST", "/api/v1/missions/"+a.ID+"/close", []byte(`{"summary":"Không phát hiện vi phạm","findings":"Xe 29C-123.45 dừng lâu tại Km 7"}`))
	if st != http.StatusOK || !strings.Contains(string(body), `"state":"closed"`) || !strings.Contains(string(body), "Km 7") {
		t.Fatalf("close by its crew: %d %s", st, body)
	}
	if !log.actions["mission.create"] || !log.actions["mission.start"] || !log.actions["mission.close"] {
		t.Fatalf("audit %v", log.actions)
	}
}

// Bad input gets a 400 with a stable code and changes nothing.
func TestMissionBadInput(t *testing.T) {
	t.Parallel()
	srv, s, _, _ := newAPI(t)
	from := t0.Add(time.Hour)
	for name, body := range map[string]string{
		"unknown field": `{"vehicle":"xe-01","site":"x","purpose":"y","from":"2030-01-01T00:00:00Z","to":"2030-01-01T01:00:00Z","x":1}`,
		"no purpose":    strings.Replace(string(missionBody("xe-01", nil, from)), "Giám sát xe container quá cảnh", "", 1),
		"backwards":     fmt.Sprintf(`{"vehicle":"xe-01","site":"x","purpose":"y","from":%q,"to":%q}`, from.Format(time.RFC3339), from.Add(-time.Hour).Format(time.RFC3339)),
		"unknown crew":  string(missionBody("xe-01", []string{"khong.co"}, from)),
		"other branch":  string(missionBody("xe-01", []string{"crew.a1", "crew.b1"}, from)),
		"not json":      `{"vehicle":`,
	} {
		st, resp := srv.Do("trucban", "POST", "/api/v1/missions", []byte(body))
		if st != http.StatusBadRequest || !strings.Contains(string(resp), `"code":"`) {
			t.Errorf("%s: %d %s", name, st, resp)
		}
	}
	if list, _ := s.List(nil); len(list) != 0 {
		t.Fatalf("bad input stored %d missions", len(list))
	}
	if st, body := srv.Do("trucban", "GET", "/api/v1/missions/khong-co", nil); st != http.StatusNotFound || !strings.Contains(string(body), `"not_found"`) {
		t.Fatalf("unknown mission: %d %s", st, body)
	}
}
