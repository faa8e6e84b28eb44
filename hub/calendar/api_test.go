package calendar_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/calendar"
	"fieldwatch/hub/httpapi/apitest"
)

type auditRec struct{ actions []string }

func (a *auditRec) Record(_ *http.Request, who audit.Actor, action, object, detail string) {
	user, _ := who.AuditName()
	a.actions = append(a.actions, user+" "+action+" "+object+" "+detail)
}

func TestCalendarAPI(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, calendar.Zone)
	cal, err := calendar.New(nil, calendar.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	rec := &auditRec{}
	api := calendar.NewAPI(calendar.APIParams{Calendar: cal, Audit: rec, Now: func() time.Time { return now }})
	s := apitest.New(t, access.Scope{}, api.Routes())
	s.User(auth.User{Username: "admin", Unit: "cuc", Roles: []string{auth.RoleAdmin}})
	s.User(auth.User{Username: "trucban", Unit: "cuc", Roles: []string{auth.RoleDuty}})

	var year calendar.YearView
	s.JSON("trucban", "GET", "/api/v1/calendar", nil, 200, &year)
	if year.Year != 2027 || len(year.Days) == 0 {
		t.Fatalf("this year: %+v", year)
	}
	if status, _ := s.Do("trucban", "GET", "/api/v1/calendar?year=1800", nil); status != 400 {
		t.Errorf("year 1800: %d", status)
	}
	var d calendar.Day
	s.JSON("admin", "PUT", "/api/v1/calendar/2027-05-08", calendar.SetRequest{Off: false, Name: "Làm bù"}, 200, &d)
	if d.Kind != calendar.KindWorked || d.Source != "admin" {
		t.Errorf("a worked Saturday: %+v", d)
	}
	if status, body := s.Do("admin", "PUT", "/api/v1/calendar/2027-13-01", calendar.SetRequest{Off: true, Name: "X"}); status != 400 || !strings.Contains(string(body), `"code":"bad_request"`) {
		t.Errorf("bad date: %d %s", status, body)
	}
	if status, _ := s.Do("trucban", "PUT", "/api/v1/calendar/2027-05-08", calendar.SetRequest{Off: true}); status != 403 {
		t.Errorf("a duty officer entered a day: %d", status)
	}
	s.JSON("admin", "DELETE", "/api/v1/calendar/2027-05-08", nil, 200, &d)
	if d.Kind != calendar.KindWeekend {
		t.Errorf("after the unset: %+v", d)
	}
	if status, _ := s.Do("admin", "DELETE", "/api/v1/calendar/8-5-2027", nil); status != 400 {
		t.Errorf("unset a bad date: %d", status)
	}
	want := []string{"admin calendar.set 2027-05-08 off=false Làm bù (admin)", "admin calendar.unset 2027-05-08 "}
	if strings.Join(rec.actions, "|") != strings.Join(want, "|") {
		t.Errorf("audit %q, want %q", rec.actions, want)
	}
}
