package monitor

import (
	"fmt"
	"log/slog"
	"testing"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi/apitest"
	"fieldwatch/hub/store"
	"fieldwatch/protocol"
)

type tree struct{}

func (tree) Within(unit, ancestor string) bool { return unit == ancestor }

type units map[string]string

func (u units) UnitOf(v string) (string, error) {
	if unit, ok := u[v]; ok {
		return unit, nil
	}
	return "", fmt.Errorf("unknown vehicle %q", v)
}

func newAPI(t *testing.T) (*Monitor, *Recorder, *apitest.Server, *time.Time) {
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	m := New(db, 0)
	vehicles := units{"xe-01": "cc-a", "xe-02": "cc-b"}
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	rec := NewRecorder(RecorderParams{Monitor: m, Units: vehicles, Address: func(v string) string { return v + ".lan:4431" },
		Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)})
	scope := access.Scope{Tree: tree{}, Vehicles: vehicles}
	s := apitest.New(t, scope, NewAPI(APIParams{Monitor: m, Scope: scope}).Routes())
	s.User(auth.User{Username: "duty-a", Unit: "cc-a", Roles: []string{access.Duty}})
	s.User(auth.User{Username: "crew", Unit: "cc-a", Roles: []string{access.Crew}})
	return m, rec, s, &now
}

func TestRecorderTurnsTelemetryIntoServices(t *testing.T) {
	t.Parallel()
	m, rec, _, now := newAPI(t)
	rec.Hub(Running, "0.0.0.0:8443", "")
	rec.Telemetry("xe-01", &protocol.Telemetry{
		Link: protocol.LinkState{State: protocol.LinkUp},
		Cameras: []protocol.CameraState{
			{ID: "cam1", State: protocol.CameraOnline, Width: 1920, Height: 1080, Publishing: true, BitrateKbps: 1499.6},
			{ID: "cam2", State: protocol.CameraOnline},
			{ID: "cam3", State: protocol.CameraError, Error: "no signal"},
		},
		Storage: &protocol.StorageState{Recording: true, Alarm: protocol.StorageFull, Message: "đầy"},
		Sync:    &protocol.SyncState{LastError: "timeout", BacklogSegments: 3},
	})
	*now = now.Add(time.Minute)
	rec.Link("xe-01", false)
	got := map[string]Service{}
	for _, s := range m.Current() {
		got[s.Host+" "+s.Name] = s
	}
	for key, want := range map[string]string{
		"hub relay": Running, "hub scheduler": Running,
		"xe-01 camera cam1": Running, "xe-01 uplink cam1": Running, "xe-01 uplink cam2": Error,
		"xe-01 camera cam3": Error, "xe-01 uplink cam3": Stopped, "xe-01 recorder": Running,
		"xe-01 storage": Error, "xe-01 sync": Error, "xe-01 control": Stopped,
	} {
		if got[key].State != want {
			t.Errorf("%s: %+v, want %s", key, got[key], want)
		}
	}
	if s := got["xe-01 uplink cam1"]; s.Message != "1500 kbit/s" || s.Unit != "cc-a" || s.Address != "xe-01.lan:4431" {
		t.Errorf("uplink %+v", s)
	}
	if s := got["xe-01 control"]; s.Message != "mất kết nối điều khiển" || !s.Since.Equal(*now) {
		t.Errorf("control %+v", s)
	}
}

func TestServicesOfTheUsersScope(t *testing.T) {
	t.Parallel()
	_, rec, s, now := newAPI(t)
	rec.Hub(Running, "", "")
	rec.Link("xe-01", true)
	rec.Link("xe-02", true)
	*now = now.Add(time.Hour)
	rec.Link("xe-01", false)
	var cur []Service
	s.JSON("duty-a", "GET", "/api/v1/services", nil, 200, &cur)
	for _, c := range cur {
		if c.Host == "xe-02" {
			t.Fatalf("other unit's vehicle: %+v", cur)
		}
	}
	if len(cur) != 6 {
		t.Fatalf("services %+v", cur)
	}
	var hist []Event
	s.JSON("duty-a", "GET", "/api/v1/services/history?host=xe-01", nil, 200, &hist)
	if len(hist) != 2 || hist[0].State != Stopped || hist[0].Was != Running {
		t.Fatalf("history %+v", hist)
	}
	s.JSON("duty-a", "GET", "/api/v1/services/history?limit=1&from=2026-11-22T08:30:00Z", nil, 200, &hist)
	if len(hist) != 1 || hist[0].Host != "xe-01" {
		t.Fatalf("window %+v", hist)
	}
	s.JSON("duty-a", "GET", "/api/v1/services/history?host=xe-02", nil, 200, &hist)
	if len(hist) != 0 {
		t.Fatalf("other unit's history %+v", hist)
	}
	for _, q := range []string{"from=yesterday", "to=2026-13-01", "limit=0", "limit=5001", "limit=x"} {
		if status, body := s.Do("duty-a", "GET", "/api/v1/services/history?"+q, nil); status != 400 {
			t.Errorf("%s: %d %s", q, status, body)
		}
	}
	if status, _ := s.Do("crew", "GET", "/api/v1/services", nil); status != 403 {
		t.Fatalf("crew: %d", status)
	}
}
