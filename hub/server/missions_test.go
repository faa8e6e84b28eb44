package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"fieldwatch/hub/messaging"
	"fieldwatch/protocol"
)

func missionBody(vehicle string, crew []string, from time.Time) string {
	b, _ := json.Marshal(map[string]any{"vehicle": vehicle, "crew": crew, "site": "Quốc lộ 1A Km 3–Km 12",
		"waypoints": []map[string]any{{"name": "Km 3", "lat": 21.85, "lon": 106.76}, {"name": "Km 12", "lat": 21.93, "lon": 106.72}},
		"from":      from, "to": from.Add(4 * time.Hour), "purpose": "Giám sát xe container quá cảnh"})
	return string(b)
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
