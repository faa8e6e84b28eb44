package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/messaging"
	"fieldwatch/protocol"
)

func missionBody(vehicle string, crew []string, from time.Time) string {
	b, _ := json.Marshal(map[string]any{"vehicle": vehicle, "crew": crew, "site": "Quốc lộ 1A Km 3–Km 12",
		"waypoints": []map[string]any{{"name": "Km 3", "lat": 21.85, "lon": 106.76}, {"name": "Km 12", "lat": 21.93, "lon": 106.72}},
		"from":      from, "to": from.Add(4 * time.Hour), "purpose": "Giám sát xe container quá cảnh"})
	return string(b)
}

// Crew accounts see only the missions they are on; other units' missions
// are invisible to everyone but their parents' officers; only leaders and
// duty officers plan, and a crew member closes only their own mission.
func TestMissionAccess(t *testing.T) {
	h, srv := newTestHub(t)
	for _, u := range []auth.User{
		{Username: "duty.a", Name: "Trực ban A", Unit: "cc-a", Roles: []string{auth.RoleDuty}},
		{Username: "duty.b", Name: "Trực ban B", Unit: "cc-b", Roles: []string{auth.RoleDuty}},
		{Username: "crew.a1", Name: "Tổ A1", Unit: "cc-a", Roles: []string{auth.RoleCrew}},
		{Username: "crew.a2", Name: "Tổ A2", Unit: "cc-a", Roles: []string{auth.RoleCrew}},
		{Username: "surv.a", Name: "Giám sát A", Unit: "cc-a", Roles: []string{auth.RoleSurveillance}},
	} {
		if err := h.auth.PutUser(u, password); err != nil {
			t.Fatal(err)
		}
	}
	tok := map[string]string{}
	for _, n := range []string{"duty.a", "duty.b", "crew.a1", "crew.a2", "surv.a"} {
		tok[n] = loginAs(t, h, n, password)
	}
	from := time.Now().Add(time.Hour)
	st, body := do(t, "POST", srv.URL+"/api/v1/missions", tok["duty.a"], "application/json", missionBody("xe-01", []string{"crew.a1"}, from))
	if st != http.StatusCreated {
		t.Fatalf("create: %d %s", st, body)
	}
	var a struct{ ID, State, Unit string }
	_ = json.Unmarshal([]byte(body), &a)
	if st, body := do(t, "POST", srv.URL+"/api/v1/missions", tok["duty.a"], "application/json", missionBody("xe-02", nil, from)); st != http.StatusForbidden {
		t.Fatalf("another unit's vehicle: %d %s", st, body)
	}
	if st, _ := do(t, "POST", srv.URL+"/api/v1/missions", tok["duty.b"], "application/json", missionBody("xe-02", []string{"crew.a2"}, from)); st != http.StatusCreated {
		t.Fatalf("cc-b's own: %d", st)
	}
	if st, body := do(t, "POST", srv.URL+"/api/v1/missions", tok["crew.a1"], "application/json", missionBody("xe-01", nil, from)); st != http.StatusForbidden {
		t.Fatalf("a crew planned a mission: %d %s", st, body)
	}
	for _, c := range []struct {
		who, query string
		want       int
	}{
		{"duty.a", "", 1}, {"duty.b", "", 1}, {"trucban", "", 2}, {"surv.a", "", 1},
		{"crew.a1", "", 1}, {"crew.a1", "?mine=1", 1}, {"crew.a2", "", 0}, // crew.a2 is on cc-b's mission: outside its unit
		{"duty.a", "?mine=1", 0}, {"duty.a", "?state=planned", 1}, {"duty.a", "?state=closed", 0},
	} {
		token := tok[c.who]
		if c.who == "trucban" {
			token = login(t, srv)
		}
		st, body := do(t, "GET", srv.URL+"/api/v1/missions"+c.query, token, "", "")
		var list []json.RawMessage
		if st != http.StatusOK || json.Unmarshal([]byte(body), &list) != nil || len(list) != c.want {
			t.Errorf("%s lists %s: %d %s, want %d missions", c.who, c.query, st, body, c.want)
		}
	}
	for who, want := range map[string]int{"crew.a1": 200, "crew.a2": 403, "duty.b": 403, "surv.a": 200} {
		for _, sub := range []string{"", "/log", "/track"} {
			if st, body := do(t, "GET", srv.URL+"/api/v1/missions/"+a.ID+sub, tok[who], "", ""); st != want {
				t.Errorf("%s GET %s: %d %s, want %d", who, sub, st, body, want)
			}
		}
	}
	if st, _ := do(t, "POST", srv.URL+"/api/v1/missions/"+a.ID+"/cancel", tok["crew.a1"], "application/json", `{"reason":"x"}`); st != http.StatusForbidden {
		t.Fatalf("a crew cancelled: %d", st)
	}
	if st, _ := do(t, "POST", srv.URL+"/api/v1/missions/"+a.ID+"/close", tok["crew.a1"], "application/json", `{"summary":"x"}`); st != http.StatusConflict {
		t.Fatalf("closing a planned mission: %d", st)
	}
	if st, _ := do(t, "POST", srv.URL+"/api/v1/missions/"+a.ID+"/start", tok["crew.a2"], "application/json", `{}`); st != http.StatusForbidden {
		t.Fatalf("another crew started it: %d", st)
	}
	if st, _ := do(t, "POST", srv.URL+"/api/v1/missions/"+a.ID+"/start", tok["crew.a1"], "application/json", `{}`); st != http.StatusOK {
		t.Fatalf("its crew could not start it: %d", st)
	}
	st, body = do(t, "POST", srv.URL+"/api/v1/missions/"+a.ID+"/close", tok["crew.a1"], "application/json",
		`{"summary":"Không phát hiện vi phạm","findings":"Xe 29C-123.45 dừng lâu tại Km 7"}`)
	if st != http.StatusOK || !strings.Contains(body, `"state":"closed"`) || !strings.Contains(body, "Km 7") {
		t.Fatalf("close by its crew: %d %s", st, body)
	}
	recs, _ := h.auditLog.Search(audit.Query{Object: a.ID})
	actions := map[string]bool{}
	for _, r := range recs {
		actions[r.Action] = true
	}
	if !actions["mission.create"] || !actions["mission.start"] || !actions["mission.close"] {
		t.Fatalf("audit %v", actions)
	}
}

// Bad input gets a 400 with a stable code and changes nothing.
func TestMissionBadInput(t *testing.T) {
	h, srv := newTestHub(t)
	tok := login(t, srv)
	from := time.Now().Add(time.Hour)
	for name, body := range map[string]string{
		"unknown field": `{"vehicle":"xe-01","site":"x","purpose":"y","from":"2030-01-01T00:00:00Z","to":"2030-01-01T01:00:00Z","x":1}`,
		"no purpose":    strings.Replace(missionBody("xe-01", nil, from), "Giám sát xe container quá cảnh", "", 1),
		"backwards":     fmt.Sprintf(`{"vehicle":"xe-01","site":"x","purpose":"y","from":%q,"to":%q}`, from.Format(time.RFC3339), from.Add(-time.Hour).Format(time.RFC3339)),
		"unknown crew":  missionBody("xe-01", []string{"khong.co"}, from),
		"not json":      `{"vehicle":`,
	} {
		st, resp := do(t, "POST", srv.URL+"/api/v1/missions", tok, "application/json", body)
		if st != http.StatusBadRequest || !strings.Contains(resp, `"code":"`) {
			t.Errorf("%s: %d %s", name, st, resp)
		}
	}
	if list, _ := h.missions.List(nil); len(list) != 0 {
		t.Fatalf("bad input stored %d missions", len(list))
	}
	if st, _ := do(t, "GET", srv.URL+"/api/v1/missions/khong-co", tok, "", ""); st != http.StatusNotFound {
		t.Fatalf("unknown mission: %d", st)
	}
}

// The log merges the mission's events, its vehicle's GPS track and live
// streams (from telemetry, while it runs), the instructions sent to the
// vehicle and its reports within the window; the track is GeoJSON.
func TestMissionLogFromRealData(t *testing.T) {
	h, srv := newTestHub(t)
	tok := login(t, srv)
	st, body := do(t, "POST", srv.URL+"/api/v1/missions", tok, "application/json", missionBody("xe-01", nil, time.Now().Add(-time.Minute)))
	if st != http.StatusCreated || !strings.Contains(body, `"state":"active"`) {
		t.Fatalf("create in an open window: %d %s", st, body)
	}
	var m struct{ ID string }
	_ = json.Unmarshal([]byte(body), &m)
	at := time.Now()
	for i := range 4 {
		h.missions.Telemetry("xe-01", &protocol.Telemetry{Time: at, GPS: &protocol.GPSFix{Lat: 21.85 + float64(i)*0.001, Lon: 106.76, Time: at.Add(time.Duration(i) * time.Second)},
			Cameras: []protocol.CameraState{{ID: "cam1", State: "online", Publishing: i < 3}}})
	}
	if _, err := h.messages.Send(messaging.Sender{Username: "trucban", Name: "Trực ban"}, "", "Theo dõi xe 29C-123.45", false,
		[]messaging.Target{{Vehicle: "xe-01", Unit: "cc-a"}, {Vehicle: "xe-02", Unit: "cc-b"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.messages.Send(messaging.Sender{Username: "trucban"}, "", "Chỉ cho xe 02", false, []messaging.Target{{Vehicle: "xe-02", Unit: "cc-b"}}); err != nil {
		t.Fatal(err)
	}
	if st, b := do(t, "POST", srv.URL+"/api/v1/reports", tok, "application/json", `{"title":"Xe nghi vấn","text":"Dừng lâu","vehicle":"xe-01"}`); st != http.StatusCreated {
		t.Fatalf("report: %d %s", st, b)
	}
	do(t, "POST", srv.URL+"/api/v1/missions/"+m.ID+"/close", tok, "application/json", `{"summary":"Xong","findings":""}`)
	st, body = do(t, "GET", srv.URL+"/api/v1/missions/"+m.ID+"/log", tok, "", "")
	var log struct {
		Entries []struct {
			Time time.Time
			Kind string
			Text string
		}
	}
	if st != http.StatusOK || json.Unmarshal([]byte(body), &log) != nil {
		t.Fatalf("log: %d %s", st, body)
	}
	count := map[string]int{}
	for i, e := range log.Entries {
		count[e.Kind]++
		if i > 0 && e.Time.Before(log.Entries[i-1].Time) {
			t.Fatalf("log out of order: %s", body)
		}
	}
	if count["instruction"] != 1 || count["report"] != 1 || count["gps"] < 2 || count["stream.start"] != 1 || count["stream.end"] != 1 ||
		count["created"] != 1 || count["started"] != 1 || count["closed"] != 1 {
		t.Fatalf("log kinds %v\n%s", count, body)
	}
	st, body = do(t, "GET", srv.URL+"/api/v1/missions/"+m.ID+"/track", tok, "", "")
	var gj struct {
		Type     string
		Geometry struct {
			Type        string
			Coordinates [][2]float64
		}
	}
	if st != http.StatusOK || json.Unmarshal([]byte(body), &gj) != nil || gj.Geometry.Type != "LineString" || len(gj.Geometry.Coordinates) != 4 ||
		gj.Geometry.Coordinates[0] != [2]float64{106.76, 21.85} {
		t.Fatalf("track: %d %s", st, body)
	}
}
