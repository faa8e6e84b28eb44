package server

import (
	"strings"
	"testing"
	"time"

	"fieldwatch/hub/incidents"
	"fieldwatch/hub/monitor"
)

// A link or a camera down longer than the threshold opens an incident by
// itself, once; it closes by itself when the fault clears.
func TestIncidentsOpenAndCloseByThemselves(t *testing.T) {
	h, srv := newTestHubWith(t, func(o *Options) { o.Config.Incidents.AutoAfter = time.Minute })
	long := time.Now().Add(-2 * time.Minute)
	report := func(name, state string, at time.Time) {
		if err := h.monitor.Report(monitor.Service{Host: "xe-01", Name: name, Unit: "cc-a", State: state}, at); err != nil {
			t.Fatal(err)
		}
	}
	report("control", monitor.Stopped, long)
	report("camera cam1", monitor.Stopped, long)
	h.incWatch.Check()
	h.incWatch.Check()
	open, _ := h.incidents.List(func(in *incidents.Incident) bool { return in.Closed.IsZero() })
	if len(open) != 1 || open[0].Kind != incidents.KindTransmission || open[0].OpenedBy != "auto" {
		t.Fatalf("with the link down, one transmission incident (the camera's state is unknown): %+v", open)
	}
	if _, list := do(t, "GET", srv.URL+"/api/v1/incidents?state=open", login(t, srv), "", ""); !strings.Contains(list, open[0].ID) {
		t.Fatalf("API: %s", list)
	}
	report("control", monitor.Running, time.Now())
	h.incWatch.Check()
	open, _ = h.incidents.List(func(in *incidents.Incident) bool { return in.Closed.IsZero() })
	if len(open) != 0 {
		t.Fatalf("the link is back: %+v", open)
	}
}
