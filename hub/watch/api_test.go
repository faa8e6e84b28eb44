package watch

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/httpapi/apitest"
	"fieldwatch/hub/store"
	"fieldwatch/hub/units"
	"fieldwatch/internal/vntime"
)

// fakeUnits is a unit tree of parent links.
type fakeUnits map[string]string

func (f fakeUnits) Get(id string) (units.Unit, bool) {
	p, ok := f[id]
	return units.Unit{ID: id, Parent: p}, ok
}

func (f fakeUnits) Within(unit, ancestor string) bool {
	for u := unit; u != ""; u = f[u] {
		if u == ancestor {
			return true
		}
	}
	return false
}

type fakeFleet []fleet.Vehicle

func (f fakeFleet) List() ([]fleet.Vehicle, error) { return f, nil }
func (f fakeFleet) Get(id string) (fleet.Vehicle, error) {
	for _, v := range f {
		if v.ID == id {
			return v, nil
		}
	}
	return fleet.Vehicle{}, fleet.ErrUnknownVehicle
}

type fakeAccounts map[string]auth.User

func (f fakeAccounts) User(name string) (auth.User, error) {
	u, ok := f[name]
	if !ok {
		return u, auth.ErrUnknownUser
	}
	return u, nil
}

// fakeRoster: the officers on duty all the time.
type fakeRoster []Duty

func (f fakeRoster) OnDuty(string, time.Time) ([]Duty, error) { return f, nil }
func (f fakeRoster) OnShift(username, _ string, _ time.Time) (bool, error) {
	return slices.ContainsFunc(f, func(d Duty) bool { return d.Officer == username }), nil
}
func (f fakeRoster) DutySets(p Interval) (map[string]Set, error) {
	out := map[string]Set{}
	for _, d := range f {
		out[d.Officer] = Union(p)
	}
	return out, nil
}

type fakeProfiles []ProfileWatch

func (f fakeProfiles) Watched(auth.User, time.Time) ([]ProfileWatch, error) { return f, nil }

type records []string

func (r *records) Record(_ *http.Request, who audit.Actor, action, object, _ string) {
	name, _ := who.AuditName()
	*r = append(*r, name+" "+action+" "+object)
}

func TestAPI(t *testing.T) {
	t.Parallel()
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2027, 3, 1, 10, 0, 0, 0, vntime.Zone)
	tree := fakeUnits{"cuc": "", "cc-a": "cuc", "doi-a": "cc-a", "cc-b": "cuc"}
	people := fakeAccounts{}
	for _, u := range []auth.User{
		{Username: "trucban.a", Name: "TB A", Unit: "cc-a", Roles: []string{auth.RoleDuty}},
		{Username: "trucban.b", Name: "TB B", Unit: "cc-b", Roles: []string{auth.RoleDuty}},
		{Username: "gs1", Name: "GS 1", Unit: "cc-a", Roles: []string{auth.RoleSurveillance}},
		{Username: "gs2", Name: "GS 2", Unit: "cc-a", Roles: []string{auth.RoleSurveillance}},
	} {
		people[u.Username] = u
	}
	var audited records
	roster := fakeRoster{{Officer: "gs2", Role: "surveillance"}, {Officer: "gs1", Role: "surveillance"}, {Officer: "trucban.a", Role: "office"}}
	vs := fakeFleet{
		{ID: "xe-01", Name: "Xe 01", Unit: "cc-a", Cameras: []fleet.Camera{{ID: "cam1", Name: "Trước"}, {ID: "cam2", Name: "Sau"}}},
		{ID: "xe-04", Name: "Xe 04", Unit: "doi-a", Cameras: []fleet.Camera{{ID: "cam1", Name: "Trước"}}},
	}
	api := NewAPI(APIParams{Store: New(db, func() time.Time { return now }), Fleet: vs, Units: tree, Accounts: people,
		Roster: roster, Profiles: fakeProfiles{{ID: "p1", Title: "Xe 04", Vehicles: []string{"xe-04"}}}, Audit: &audited})
	s := apitest.New(t, access.Scope{Tree: tree}, api.Routes())
	for _, u := range people {
		s.User(u)
	}

	var g1, g2 GroupView
	s.JSON("trucban.a", "POST", "/api/v1/watch/groups", GroupRequest{Unit: "cc-a", Name: "Xe 01", Members: []Member{{Kind: MemberVehicle, Vehicle: "xe-01"}}}, 201, &g1)
	s.JSON("trucban.a", "POST", "/api/v1/watch/groups", GroupRequest{Unit: "cc-a", Name: "Đội A", Members: []Member{{Kind: MemberUnit, Unit: "doi-a"}}}, 201, &g2)
	if len(g1.Cameras) != 2 || len(g2.Cameras) != 1 || g1.By != "trucban.a" {
		t.Fatalf("groups: %+v %+v", g1, g2)
	}
	for _, c := range []struct {
		who  string
		req  GroupRequest
		want int
	}{
		{"trucban.b", GroupRequest{Unit: "cc-a", Name: "x", Members: []Member{{Kind: MemberVehicle, Vehicle: "xe-01"}}}, 403},
		{"gs1", GroupRequest{Unit: "cc-a", Name: "x", Members: []Member{{Kind: MemberVehicle, Vehicle: "xe-01"}}}, 403},
		{"trucban.a", GroupRequest{Unit: "cc-a", Name: "x", Members: []Member{{Kind: MemberVehicle, Vehicle: "xe-02"}}}, 400},
		{"trucban.a", GroupRequest{Unit: "cc-a", Name: "x", Members: []Member{{Kind: MemberCamera, Vehicle: "xe-01", Camera: "cam9"}}}, 400},
		{"trucban.a", GroupRequest{Unit: "cc-a", Name: " ", Members: []Member{{Kind: MemberVehicle, Vehicle: "xe-01"}}}, 400},
		{"trucban.a", GroupRequest{Unit: "nowhere", Name: "x", Members: []Member{{Kind: MemberVehicle, Vehicle: "xe-01"}}}, 404},
	} {
		if st, body := s.Do(c.who, "POST", "/api/v1/watch/groups", c.req); st != c.want {
			t.Errorf("%s %+v: %d %s, want %d", c.who, c.req, st, body, c.want)
		}
	}
	var renamed GroupView
	s.JSON("trucban.a", "PUT", "/api/v1/watch/groups/"+g2.ID, GroupRequest{Name: "Đội A (cổng)", Members: g2.Members}, 200, &renamed)
	if renamed.Unit != "cc-a" || !renamed.Created.Equal(g2.Created) {
		t.Fatalf("replaced group: %+v", renamed)
	}

	var auto AutoAnswer
	s.JSON("trucban.a", "POST", "/api/v1/watch/assignments/auto", AutoRequest{Unit: "cc-a", Shift: "2027-03-01"}, 200, &auto)
	if fmt.Sprint(auto.Officers) != "[gs1 gs2]" || len(auto.Assignments) != 2 || auto.Assignments[0].OfficerName != "GS 1" {
		t.Fatalf("auto: %+v", auto)
	}
	var cov CoverageAnswer
	s.JSON("gs1", "GET", "/api/v1/watch/coverage?unit=cc-a&shift=2027-03-01", nil, 200, &cov)
	if cov.Coverage.Summary.Cameras != 3 || cov.Coverage.Summary.CoveredPercent != 100 || cov.Names["xe-04/cam1"] != "Xe 04 · Trước" {
		t.Fatalf("coverage: %+v", cov)
	}
	// gs1 has the larger group (xe-01), then the profile's xe-04 camera.
	var tour Tour
	s.JSON("gs1", "GET", "/api/v1/watch/mine", nil, 200, &tour)
	if len(tour.Cameras) != 3 || tour.Cameras[2].Group != "profile:p1" || !tour.OnDuty || tour.IntervalSeconds != 20 || tour.Assignments != 1 {
		t.Fatalf("tour: %+v", tour)
	}

	var man AssignmentView
	s.JSON("trucban.a", "POST", "/api/v1/watch/assignments", AssignRequest{Unit: "cc-a", Officer: "gs1", Groups: []string{g2.ID},
		From: "2027-03-01T14:00:00+07:00", To: "2027-03-01T20:00:00+07:00"}, 201, &man)
	if man.Cameras != 1 || man.GroupNames[0] != "Đội A (cổng)" {
		t.Fatalf("manual: %+v", man)
	}
	if st, _ := s.Do("trucban.a", "POST", "/api/v1/watch/assignments", AssignRequest{Unit: "cc-a", Officer: "trucban.b", Groups: []string{g2.ID}}); st != 400 {
		t.Errorf("an officer of another unit assigned: %d", st)
	}
	var list AssignmentsAnswer
	s.JSON("trucban.a", "GET", "/api/v1/watch/assignments?unit=cc-a&shift=2027-03-01", nil, 200, &list)
	if len(list.Assignments) != 3 {
		t.Fatalf("assignments: %+v", list)
	}
	if st, _ := s.Do("trucban.b", "DELETE", "/api/v1/watch/assignments/"+man.ID, nil); st != 403 {
		t.Errorf("another unit deleted an assignment: %d", st)
	}
	s.JSON("trucban.a", "DELETE", "/api/v1/watch/assignments/"+man.ID, nil, 200, nil)
	s.JSON("trucban.a", "DELETE", "/api/v1/watch/groups/"+g1.ID, nil, 200, nil)
	if st, _ := s.Do("trucban.a", "DELETE", "/api/v1/watch/groups/"+g1.ID, nil); st != 404 {
		t.Errorf("deleted twice: %d", st)
	}
	if len(audited) != 7 {
		t.Fatalf("audit: %q", audited)
	}
}

func TestAPINobodyOnDuty(t *testing.T) {
	t.Parallel()
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	tree := fakeUnits{"cc-a": ""}
	api := NewAPI(APIParams{Store: New(db, nil), Fleet: fakeFleet{}, Units: tree, Accounts: fakeAccounts{}, Roster: fakeRoster{}, Audit: &records{}})
	s := apitest.New(t, access.Scope{Tree: tree}, api.Routes())
	s.User(auth.User{Username: "trucban.a", Unit: "cc-a", Roles: []string{auth.RoleDuty}})
	if st, body := s.Do("trucban.a", "POST", "/api/v1/watch/assignments/auto", AutoRequest{Unit: "cc-a", Shift: "2027-03-01"}); st != 409 || !strings.Contains(string(body), `"code":"conflict"`) {
		t.Fatalf("nobody on duty: %d %s", st, body)
	}
	if st, body := s.Do("trucban.a", "GET", "/api/v1/watch/coverage?shift=2027-13-01", nil); st != 400 || !strings.Contains(string(body), `"code":"bad_request"`) {
		t.Fatalf("bad shift: %d %s", st, body)
	}
	if st, body := s.Do("trucban.a", "DELETE", "/api/v1/watch/assignments/nope", nil); st != 404 || !strings.Contains(string(body), `"code":"not_found"`) {
		t.Fatalf("unknown assignment: %d %s", st, body)
	}
}
