package e2e

import (
	"fieldwatch/internal/testwait"
	"testing"
	"time"
)

type apiService struct {
	Host, Name, Unit, Address, State, Message string
}

// Service monitoring (Decision 3035, Appendix II): the hub's and a
// vehicle's services show running, then stopped or in error as the link
// and a camera fail, and every change is in the history.
func TestServiceMonitoring(t *testing.T) {
	fullLane(t)
	d := startDemo(t, 1, 1)
	id := d.VehicleIDs()[0]
	token := apiLogin(t, d, "trucban")
	base := d.URL()[:len(d.URL())-1]
	state := func(host, name string) string {
		var list []apiService
		if getAt(base, token, "/api/v1/services", &list) != nil {
			return ""
		}
		for _, s := range list {
			if s.Host == host && s.Name == name {
				return s.State
			}
		}
		return ""
	}
	testwait.For(t, 30*time.Second, "hub and vehicle services running", func() bool {
		return state("hub", "relay") == "running" && state(id, "control") == "running" &&
			state(id, "camera cam1") == "running" && state(id, "uplink cam1") == "running" && state(id, "recorder") == "running"
	})
	if err := d.SetCamera(id, "cam1", false); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, 30*time.Second, "the camera shown down", func() bool {
		s := state(id, "camera cam1")
		return s == "stopped" || s == "error"
	})
	if err := d.SetLink(id, false); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, 30*time.Second, "the vehicle's control channel shown stopped", func() bool { return state(id, "control") == "stopped" })
	var hist []struct{ Host, Name, State, Was string }
	if err := getAt(base, token, "/api/v1/services/history?host="+id, &hist); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range hist {
		seen[e.Name+":"+e.Was+">"+e.State] = true
		seen[e.Name+":>"+e.State] = true // whatever it was before (a camera may start "stopped" while it connects)
	}
	for _, want := range []string{"control:running>stopped", "camera cam1:>running"} {
		if !seen[want] {
			t.Errorf("history lacks %s: %+v", want, hist)
		}
	}
}
