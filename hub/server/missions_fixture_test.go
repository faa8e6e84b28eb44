package server

import (
	"strings"
	"testing"
	"time"

	"fieldwatch/hub/missions"
)

// missionID is the mission the last prepared mission fixture made.
var missionID string

// missionFixture is an authorisation-matrix fixture for a mission route:
// state "" needs no mission (the body names xe-01), "planned" or "active"
// makes a fresh mission of xe-01 (unit cc-a) with crew.cc-a on its crew.
// In body, @from and @to become a window an hour from now.
func missionFixture(t *testing.T, state, body string) routeFixture {
	f := routeFixture{bodyScoped: true}
	if body != "" {
		f.ctype = "application/json"
		f.body = func() string {
			from := time.Now().Add(time.Hour)
			return strings.NewReplacer("@from", from.Format(time.RFC3339), "@to", from.Add(4*time.Hour).Format(time.RFC3339)).Replace(body)
		}
	}
	if state == "" {
		return f
	}
	f.params = map[string]string{"id": "@mission"}
	f.prepare = func(h *Hub) {
		d := missions.Draft{Vehicle: "xe-01", Unit: "cc-a", Crew: []string{"crew.cc-a"}, Site: "Km 3", Purpose: "Giám sát",
			From: time.Now().Add(time.Hour), To: time.Now().Add(5 * time.Hour)}
		if state == "active" {
			d.From = time.Now().Add(-time.Minute)
		}
		m, err := h.missions.Create(missions.Actor{Username: "test"}, d)
		if err != nil {
			t.Fatal(err)
		}
		missionID = m.ID
	}
	return f
}
