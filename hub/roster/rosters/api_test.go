package rosters

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"fieldwatch/hub/auth"
	"fieldwatch/hub/calendar"
	"fieldwatch/hub/roster"
)

// A swap has no effect until a leader approves it; a rejected one never
// does; only a leader publishes.
func TestRosterSwapNeedsApproval(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var v View
	f.srv.JSON("trucban.a1", "POST", "/api/v1/rosters", GenerateRequest{Unit: "cc-a", From: "2027-03-01", To: "2027-03-08"}, 201, &v)
	if len(v.Roster.Roster.Unfilled) != 0 {
		t.Fatalf("generate: unfilled %+v", v.Roster.Roster.Unfilled)
	}
	day0 := time.Date(2027, 3, 1, 0, 0, 0, 0, roster.Zone)
	office := func(r *roster.Roster, d time.Time) roster.Assignment {
		for _, a := range r.OnDay(d) {
			if a.Role == "office" {
				return a
			}
		}
		t.Fatalf("no office slot on %s", d)
		return roster.Assignment{}
	}
	a, sub := office(v.Roster.Roster, day0), office(v.Roster.Roster, day0.AddDate(0, 0, 2)).Officer
	propose := ProposeRequest{Shift: a.Shift, Start: a.Start, Role: "office", From: a.Officer, To: sub, Note: "việc gia đình"}
	effective := func() string {
		f.srv.JSON("trucban.a1", "GET", "/api/v1/rosters/"+v.ID, nil, 200, &v)
		return office(v.Effective, day0).Officer
	}
	f.srv.JSON("trucban.a1", "POST", "/api/v1/rosters/"+v.ID+"/overrides", propose, 201, nil)
	if got := effective(); got != a.Officer {
		t.Fatalf("a pending swap took effect: %s", got)
	}
	if status, _ := f.srv.Do("trucban.a1", "POST", "/api/v1/rosters/"+v.ID+"/overrides/1/decision", DecideRequest{Approve: true}); status != 403 {
		t.Fatalf("a duty officer approved: %d", status)
	}
	f.srv.JSON("lanhdao.a", "POST", "/api/v1/rosters/"+v.ID+"/overrides/1/decision", DecideRequest{Approve: false, Note: "không"}, 200, nil)
	if got := effective(); got != a.Officer {
		t.Fatalf("a rejected swap took effect: %s", got)
	}
	f.srv.JSON("trucban.a1", "POST", "/api/v1/rosters/"+v.ID+"/overrides", propose, 201, nil)
	f.srv.JSON("lanhdao.a", "POST", "/api/v1/rosters/"+v.ID+"/overrides/2/decision", DecideRequest{Approve: true}, 200, nil)
	if got := effective(); got != sub {
		t.Fatalf("the approved swap did not apply: %s, want %s", got, sub)
	}
	// A swap that breaks the rest rule is refused at once.
	bad := ProposeRequest{Shift: a.Shift, Start: a.Start, Role: "office", From: sub, To: office(v.Roster.Roster, day0.AddDate(0, 0, 1)).Officer}
	if status, _ := f.srv.Do("trucban.a1", "POST", "/api/v1/rosters/"+v.ID+"/overrides", bad); status != 409 {
		t.Fatalf("a swap against the rest rule: %d", status)
	}
	// Drafts are for leaders and duty officers; surveillance officers see it once published.
	if status, _ := f.srv.Do("giamsat.a1", "GET", "/api/v1/rosters/"+v.ID, nil); status != 404 {
		t.Fatalf("a draft shown to a surveillance officer: %d", status)
	}
	onDuty := func() []OnDuty {
		var list []OnDuty
		f.srv.JSON("giamsat.a1", "GET", "/api/v1/onduty?unit=cc-a&at="+url.QueryEscape(a.Start.Add(time.Hour).Format(time.RFC3339)), nil, 200, &list)
		return list
	}
	if list := onDuty(); len(list) != 0 {
		t.Fatalf("a draft roster put officers on duty: %+v", list)
	}
	if status, _ := f.srv.Do("trucban.a1", "POST", "/api/v1/rosters/"+v.ID+"/publish", nil); status != 403 {
		t.Fatalf("a duty officer published: %d", status)
	}
	f.srv.JSON("lanhdao.a", "POST", "/api/v1/rosters/"+v.ID+"/publish", nil, 200, nil)
	f.srv.JSON("giamsat.a1", "GET", "/api/v1/rosters/"+v.ID, nil, 200, nil)
	list := onDuty()
	if len(list) != 3 || !slices.ContainsFunc(list, func(d OnDuty) bool { return d.Role == "office" && d.Officer == sub }) ||
		slices.ContainsFunc(list, func(d OnDuty) bool { return d.Officer == a.Officer }) {
		t.Fatalf("on duty after the approved swap: %+v (want %s in the office slot, not %s)", list, sub, a.Officer)
	}
	if ok, err := f.svc.OnDutyOfficer(sub, "cc-a", a.End); err != nil || ok {
		t.Fatalf("%s still on duty when the shift ended: %v %v", sub, ok, err)
	}
}

// The office-hours preset staffs surveillance in business hours on working
// days, duty outside them, and 24 hours on weekends and holidays, by the
// working-day calendar; an unknown preset is refused.
func TestRosterOfficeHoursPreset(t *testing.T) {
	t.Parallel()
	cal, err := calendar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	f := newFixtureWith(t, cal)
	for k := range f.acc {
		delete(f.acc, k)
	}
	for i := 1; i <= 4; i++ {
		f.acc[fmt.Sprintf("lanhdao.a%d", i)] = auth.User{Username: fmt.Sprintf("lanhdao.a%d", i), Name: "LĐ", Unit: "cc-a", Roles: []string{auth.RoleLeader}}
		f.acc[fmt.Sprintf("trucban.a%d", i)] = auth.User{Username: fmt.Sprintf("trucban.a%d", i), Name: "TB", Unit: "cc-a", Roles: []string{auth.RoleDuty}}
	}
	for i := 1; i <= 6; i++ {
		f.acc[fmt.Sprintf("giamsat.a%d", i)] = auth.User{Username: fmt.Sprintf("giamsat.a%d", i), Name: "GS", Unit: "cc-a", Roles: []string{auth.RoleSurveillance}}
	}
	if status, _ := f.srv.Do("trucban.a1", "POST", "/api/v1/rosters", GenerateRequest{Unit: "cc-a", From: "2027-03-01", To: "2027-03-08", Preset: "night"}); status != 400 {
		t.Fatalf("an unknown preset: %d", status)
	}
	// 2027-04-16 is Giỗ Tổ Hùng Vương (10/3 lunar), a Friday.
	var v View
	f.srv.JSON("trucban.a1", "POST", "/api/v1/rosters", GenerateRequest{Unit: "cc-a", From: "2027-04-12", To: "2027-04-19", Preset: "office_hours"}, 201, &v)
	shifts := map[string]map[string]int{} // day -> shift -> officers
	for _, a := range v.Roster.Roster.Assignments {
		d := a.Start.In(roster.Zone).Format(time.DateOnly)
		if shifts[d] == nil {
			shifts[d] = map[string]int{}
		}
		shifts[d][a.Shift]++
	}
	want := map[string]map[string]int{
		"2027-04-12": {"Giờ hành chính": 3, "Trực ngoài giờ": 3}, // Monday
		"2027-04-16": {"Trực ngày nghỉ, lễ": 3},                  // Hùng Kings
		"2027-04-17": {"Trực ngày nghỉ, lễ": 3},                  // Saturday
	}
	for day, w := range want {
		if fmt.Sprint(shifts[day]) != fmt.Sprint(w) {
			t.Errorf("%s: shifts %v, want %v (unfilled: %+v)", day, shifts[day], w, v.Roster.Roster.Unfilled)
		}
	}
}

// One's own shifts of the coming two weeks: those of the published roster
// only, soonest first.
func TestMyShifts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.now = time.Date(2027, 2, 20, 10, 0, 0, 0, roster.Zone)
	today := f.now
	var v View
	f.srv.JSON("lanhdao.a", "POST", "/api/v1/rosters", GenerateRequest{Unit: "cc-a", From: today.Format(time.DateOnly), To: today.AddDate(0, 0, 30).Format(time.DateOnly)}, 201, &v)
	mine := func() []OnDuty {
		var list []OnDuty
		f.srv.JSON("giamsat.a2", "GET", "/api/v1/me/shifts", nil, 200, &list)
		return list
	}
	if got := mine(); len(got) != 0 {
		t.Fatalf("shifts of a draft: %+v", got)
	}
	f.srv.JSON("lanhdao.a", "POST", "/api/v1/rosters/"+v.ID+"/publish", nil, 200, nil)
	var want []roster.Assignment
	for _, a := range v.Roster.Roster.ByOfficer("giamsat.a2") {
		if f.now.Before(a.End) && a.Start.Before(f.now.Add(14*24*time.Hour)) {
			want = append(want, a)
		}
	}
	got := mine()
	if len(got) != len(want) || len(want) == 0 {
		t.Fatalf("got %d shifts, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].Officer != "giamsat.a2" || !got[i].Start.Equal(want[i].Start) || got[i].Role != "surveillance" {
			t.Errorf("shift %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
