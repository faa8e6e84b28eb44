package rosters

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/command"
	"fieldwatch/hub/command/commandtest"
	"fieldwatch/hub/httpapi/apitest"
	"fieldwatch/hub/leave"
	"fieldwatch/hub/messaging"
	"fieldwatch/hub/roster"
	"fieldwatch/hub/store"
)

// flatTree: every unit is its own subtree.
type flatTree struct{}

func (flatTree) Within(unit, ancestor string) bool { return unit == ancestor }

// accounts are fixed accounts.
type accounts map[string]auth.User

func (a accounts) User(name string) (auth.User, error) {
	if u, ok := a[name]; ok {
		return u, nil
	}
	return auth.User{}, auth.ErrUnknownUser
}

func (a accounts) Users() ([]auth.User, error) {
	var out []auth.User
	for _, u := range a {
		out = append(out, u)
	}
	slices.SortFunc(out, func(x, y auth.User) int { return strings.Compare(x.Username, y.Username) })
	return out, nil
}

// notices records the notices sent, once per client id.
type notices struct {
	mu   sync.Mutex
	sent map[string]string // client id -> text
	to   map[string][]string
}

func (n *notices) SendNotice(from messaging.Sender, clientID, text string, to []messaging.Target) (messaging.Instruction, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, ok := n.sent[clientID]; !ok {
		n.sent[clientID] = text
		n.to[to[0].User] = append(n.to[to[0].User], text)
	}
	return messaging.Instruction{}, nil
}

func (n *notices) of(user string) []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.to[user])
}

type nobodyAudits struct{}

func (nobodyAudits) Record(*http.Request, audit.Actor, string, string, string) {}

type units struct{}

func (units) Known(id string) bool { return id == "cc-a" || id == "cc-b" }

// everyDayWorks is a calendar of working days only.
type everyDayWorks struct{}

func (everyDayWorks) IsWorkingDay(time.Time) bool { return true }
func (everyDayWorks) IsHoliday(time.Time) bool    { return false }

// pool is a unit cc-a of two leaders, three duty officers and three
// surveillance officers, and a duty officer of cc-b.
func pool() accounts {
	a := accounts{"lanhdao.a": {Username: "lanhdao.a", Name: "LĐ A", Unit: "cc-a", Roles: []string{auth.RoleLeader}},
		"lanhdao.a2": {Username: "lanhdao.a2", Name: "LĐ A2", Unit: "cc-a", Roles: []string{auth.RoleLeader}},
		"trucban.b":  {Username: "trucban.b", Name: "TB B", Unit: "cc-b", Roles: []string{auth.RoleDuty}}}
	for i := 1; i <= 3; i++ {
		a[fmt.Sprintf("trucban.a%d", i)] = auth.User{Username: fmt.Sprintf("trucban.a%d", i), Name: "TB", Unit: "cc-a", Roles: []string{auth.RoleDuty}}
		a[fmt.Sprintf("giamsat.a%d", i)] = auth.User{Username: fmt.Sprintf("giamsat.a%d", i), Name: "GS", Unit: "cc-a", Roles: []string{auth.RoleSurveillance}}
	}
	return a
}

type fixture struct {
	svc     *Service
	srv     *apitest.Server
	notices *notices
	acc     accounts
	now     time.Time
}

func newFixture(t *testing.T) *fixture { return newFixtureWith(t, everyDayWorks{}) }

// newFixtureWith serves the roster and leave routes over a fresh store,
// with days as the working-day calendar.
func newFixtureWith(t *testing.T, days roster.Days) *fixture {
	t.Helper()
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{notices: &notices{sent: map[string]string{}, to: map[string][]string{}}, now: time.Date(2027, 2, 20, 9, 0, 0, 0, roster.Zone)}
	clock := func() time.Time { return f.now }
	acc := pool()
	f.acc = acc
	f.svc = NewService(ServiceParams{Store: NewStore(StoreParams{DB: db, Now: clock}), Tree: flatTree{}, Accounts: acc, Messages: f.notices})
	absent := leave.New(leave.Params{DB: db, Now: clock})
	api := NewAPI(APIParams{Service: f.svc, Scope: access.Scope{Tree: flatTree{}}, Units: units{}, Accounts: acc, Days: days,
		Leave: absent, Audit: nobodyAudits{}, Now: clock, Seed: func() uint64 { return 7 }})
	leaveAPI := leave.NewAPI(leave.APIParams{Store: absent, Scope: access.Scope{Tree: flatTree{}}, Units: units{}, Accounts: acc, Audit: nobodyAudits{}})
	f.srv = apitest.New(t, access.Scope{Tree: flatTree{}}, append(api.Routes(), leaveAPI.Routes()...))
	for _, u := range acc {
		f.srv.User(u)
	}
	return f
}

// Through the domain's own routes: a draft is the leaders' and duty
// officers'; a proposed swap takes effect only once a leader approves it;
// publishing puts the officers on duty and tells each their shifts; an
// officer of another unit can neither generate nor read the unit's rosters.
func TestRosterAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if status, _ := f.srv.Do("trucban.b", "POST", "/api/v1/rosters", GenerateRequest{Unit: "cc-a", From: "2027-03-01", To: "2027-03-08"}); status != 403 {
		t.Fatalf("another unit generates cc-a's roster: %d", status)
	}
	if status, _ := f.srv.Do("trucban.a1", "POST", "/api/v1/rosters", GenerateRequest{Unit: "cc-a", From: "2027-03-08", To: "2027-03-01"}); status != 400 {
		t.Fatalf("to before from: %d", status)
	}
	if status, _ := f.srv.Do("trucban.a1", "POST", "/api/v1/rosters", GenerateRequest{Unit: "cc-z", From: "2027-03-01", To: "2027-03-08"}); status != 404 {
		t.Fatalf("an unknown unit: %d", status)
	}
	var v View
	f.srv.JSON("trucban.a1", "POST", "/api/v1/rosters", GenerateRequest{Unit: "cc-a", From: "2027-03-01", To: "2027-03-08"}, 201, &v)
	if len(v.Roster.Roster.Unfilled) != 0 || len(v.Roster.Roster.Assignments) != 21 {
		t.Fatalf("generated %d shifts, %d unfilled", len(v.Roster.Roster.Assignments), len(v.Roster.Roster.Unfilled))
	}
	if status, _ := f.srv.Do("giamsat.a1", "GET", "/api/v1/rosters/"+v.ID, nil); status != 404 {
		t.Fatalf("a draft shown to a surveillance officer: %d", status)
	}
	var list []Summary
	f.srv.JSON("giamsat.a1", "GET", "/api/v1/rosters", nil, 200, &list)
	if len(list) != 0 {
		t.Fatalf("drafts listed to a surveillance officer: %+v", list)
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
	var o Override
	f.srv.JSON("trucban.a1", "POST", "/api/v1/rosters/"+v.ID+"/overrides", propose, 201, &o)
	if o.N != 1 || o.Approved {
		t.Fatalf("proposed: %+v", o)
	}
	if status, _ := f.srv.Do("trucban.a1", "POST", "/api/v1/rosters/"+v.ID+"/overrides/1/decision", DecideRequest{Approve: true}); status != 403 {
		t.Fatalf("a duty officer decided: %d", status)
	}
	if status, _ := f.srv.Do("lanhdao.a", "POST", "/api/v1/rosters/"+v.ID+"/overrides/9/decision", DecideRequest{Approve: true}); status != 404 {
		t.Fatalf("an unknown override decided: %d", status)
	}
	f.srv.JSON("lanhdao.a", "POST", "/api/v1/rosters/"+v.ID+"/overrides/1/decision", DecideRequest{Approve: true}, 200, &v)
	if got := office(v.Effective, day0).Officer; got != sub {
		t.Fatalf("the approved swap did not apply: %s, want %s", got, sub)
	}
	if status, _ := f.srv.Do("lanhdao.a", "POST", "/api/v1/rosters/"+v.ID+"/overrides/1/decision", DecideRequest{Approve: false}); status != 409 {
		t.Fatalf("decided twice: %d", status)
	}
	bad := ProposeRequest{Shift: a.Shift, Start: a.Start, Role: "office", From: sub, To: office(v.Roster.Roster, day0.AddDate(0, 0, 1)).Officer}
	if status, _ := f.srv.Do("trucban.a1", "POST", "/api/v1/rosters/"+v.ID+"/overrides", bad); status != 409 {
		t.Fatalf("a swap against the rest rule: %d", status)
	}
	at := url.QueryEscape(a.Start.Add(time.Hour).Format(time.RFC3339))
	var onDuty []OnDuty
	f.srv.JSON("giamsat.a1", "GET", "/api/v1/onduty?unit=cc-a&at="+at, nil, 200, &onDuty)
	if len(onDuty) != 0 {
		t.Fatalf("a draft put officers on duty: %+v", onDuty)
	}
	f.srv.JSON("lanhdao.a", "POST", "/api/v1/rosters/"+v.ID+"/publish", nil, 200, &v)
	f.srv.JSON("giamsat.a1", "GET", "/api/v1/onduty?unit=cc-a&at="+at, nil, 200, &onDuty)
	if len(onDuty) != 3 || !slices.ContainsFunc(onDuty, func(d OnDuty) bool { return d.Officer == sub && d.Name == "TB" }) {
		t.Fatalf("on duty after publication: %+v", onDuty)
	}
	if status, _ := f.srv.Do("trucban.b", "GET", "/api/v1/onduty?unit=cc-a", nil); status != 403 {
		t.Fatalf("another unit reads who is on duty: %d", status)
	}
	if status, _ := f.srv.Do("giamsat.a1", "GET", "/api/v1/onduty?unit=cc-a&at=yesterday", nil); status != 400 {
		t.Fatalf("a bad instant: %d", status)
	}
	mine := v.Roster.Roster.ByOfficer("giamsat.a2")
	if got := f.notices.of("giamsat.a2"); len(got) != 1 || !strings.Contains(got[0], fmt.Sprintf("(%d)", len(mine))) {
		t.Fatalf("giamsat.a2 has %d shifts and got notices %q", len(mine), got)
	}
	if got := f.notices.of("lanhdao.a"); len(got) != 0 {
		t.Fatalf("the publishing leader told of his own shifts: %q", got)
	}
	f.now = day0.Add(-24 * time.Hour)
	var shifts []OnDuty
	f.srv.JSON("giamsat.a2", "GET", "/api/v1/me/shifts", nil, 200, &shifts)
	if len(shifts) != len(mine) || len(shifts) == 0 || !slices.IsSortedFunc(shifts, func(x, y OnDuty) int { return x.Start.Compare(y.Start) }) {
		t.Fatalf("my shifts: %+v, want %d", shifts, len(mine))
	}
	// Reminders: an hour ahead, once, and recorded.
	start := time.Date(2027, 3, 1, 8, 0, 0, 0, roster.Zone)
	f.svc.RemindShifts(start.Add(-90 * time.Minute))
	f.svc.RemindShifts(start.Add(-45 * time.Minute))
	f.svc.RemindShifts(start.Add(-30 * time.Minute))
	for _, d := range onDuty {
		n := 0
		for _, text := range f.notices.of(d.Officer) {
			if strings.HasPrefix(text, "Nhắc ca trực") {
				n++
			}
		}
		if done, err := f.svc.Store().Reminded(v.ID, d.Officer, start); n != 1 || !done || err != nil {
			t.Errorf("%s: %d reminders, recorded %v %v", d.Officer, n, done, err)
		}
	}
}

// A generated roster, a swap proposed and approved, its publication and a
// reminder replay to the same state on two stores.
func TestCommandsReplay(t *testing.T) {
	t.Parallel()
	from := time.Date(2027, 3, 1, 0, 0, 0, 0, roster.Zone)
	var officers []roster.Officer
	for _, u := range pool() {
		if u.Unit == "cc-a" {
			officers = append(officers, roster.Officer{ID: u.Username, Name: u.Name, Department: u.Unit, Roles: officerRoles(u)})
		}
	}
	slices.SortFunc(officers, func(a, b roster.Officer) int { return strings.Compare(a.ID, b.ID) })
	gen, err := roster.Generate(roster.Request{From: from, To: from.AddDate(0, 0, 3), Zone: roster.Zone, Officers: officers,
		Templates: DefaultTemplates, Rules: roster.Rules{MinRest: 24 * time.Hour}, Days: everyDayWorks{}, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	var r Roster // as it comes off the wire
	data, _ := json.Marshal(Roster{ID: "r1", Unit: "cc-a", From: from.UTC(), To: from.AddDate(0, 0, 3).UTC(),
		Created: time.Date(2027, 2, 20, 2, 0, 0, 0, time.UTC), CreatedBy: "trucban.a1", Roster: gen, Overrides: []Override{}})
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	var first, third roster.Assignment
	for _, a := range r.Roster.Assignments {
		if a.Role == "office" && a.Start.Equal(from.Add(8*time.Hour)) {
			first = a
		}
		if a.Role == "office" && a.Start.Equal(from.Add(56*time.Hour)) {
			third = a
		}
	}
	at := time.Date(2027, 2, 21, 2, 0, 0, 0, time.UTC)
	ov := Override{Override: roster.Override{Shift: first.Shift, Start: first.Start, Role: "office", From: first.Officer, To: third.Officer},
		N: 1, By: "trucban.a1", Proposed: at, Note: "việc gia đình"}
	cmds := []command.Command{
		Generated{Roster: r},
		OverrideProposed{Roster: "r1", Override: ov},
		OverrideProposed{Roster: "r1", Override: ov}, // replayed
		OverrideDecided{Roster: "r1", N: 1, Approve: true, By: "lanhdao.a", At: at.Add(time.Hour)},
		OverrideDecided{Roster: "r1", N: 1, Approve: true, By: "lanhdao.a", At: at.Add(time.Hour)}, // replayed
		Published{ID: "r1", By: "lanhdao.a", At: at.Add(2 * time.Hour)},
		ReminderSent{Roster: "r1", Officer: third.Officer, Start: first.Start, At: first.Start.Add(-time.Hour)},
	}
	db := commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier { return NewStore(StoreParams{DB: db}) }, cmds)
	s := NewStore(StoreParams{DB: db})
	got, err := s.Get("r1")
	if err != nil || got.Published.IsZero() || len(got.Overrides) != 1 || !got.Overrides[0].Approved {
		t.Fatalf("after replay: %v %+v", err, got)
	}
	eff, err := got.Effective()
	if err != nil || !slices.ContainsFunc(eff.Assignments, func(a roster.Assignment) bool {
		return a.Start.Equal(first.Start) && a.Role == "office" && a.Officer == third.Officer
	}) {
		t.Fatalf("the approved swap is not in force: %v", err)
	}
	if done, err := s.Reminded("r1", third.Officer, first.Start); !done || err != nil {
		t.Fatalf("the reminder is not recorded: %v %v", done, err)
	}
}
