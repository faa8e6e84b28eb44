package roster

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

var ict = time.FixedZone("ICT", 7*3600)

// weekdays is a calendar with Monday–Friday working and 1 Jan a holiday.
type weekdays struct{}

func (weekdays) IsWorkingDay(t time.Time) bool {
	wd := t.In(ict).Weekday()
	return wd != time.Saturday && wd != time.Sunday && !(weekdays{}).IsHoliday(t)
}
func (weekdays) IsHoliday(t time.Time) bool {
	d := t.In(ict)
	return d.Month() == 1 && d.Day() == 1
}

// The 24-hour shift of Decision 888 Art. 10 and a business-hours shift.
var templates = []Template{
	{Name: "Ca 24 giờ", Start: 8 * time.Hour, Length: 24 * time.Hour, Days: EveryDay,
		Slots: []Slot{{"shift_leader", 1}, {"division_leader", 1}, {"office", 1}, {"surveillance", 2}}},
	{Name: "Giờ hành chính", Start: 7*time.Hour + 30*time.Minute, Length: 9 * time.Hour, Days: WorkingDays,
		Slots: []Slot{{"surveillance", 1}}},
}

func pool(rng *rand.Rand, n int) []Officer {
	roles := []string{"shift_leader", "division_leader", "office", "surveillance", "surveillance", "surveillance"}
	var out []Officer
	for i := range n {
		o := Officer{ID: fmt.Sprintf("cb%02d", i), Name: fmt.Sprintf("Cán bộ %d", i), Department: fmt.Sprintf("phong-%d", i%5),
			Roles: []string{roles[i%len(roles)]}}
		if rng.IntN(4) == 0 { // a quarter of them take a week of leave
			from := time.Date(2027, 1, 1+rng.IntN(80), 0, 0, 0, 0, ict)
			o.Unavailable = []Period{{from, from.AddDate(0, 0, 7)}}
		}
		out = append(out, o)
	}
	return out
}

func quarter(seed uint64, officers []Officer, rules Rules) (*Roster, error) {
	return Generate(Request{From: time.Date(2027, 1, 1, 0, 0, 0, 0, ict), To: time.Date(2027, 4, 1, 0, 0, 0, 0, ict), Zone: ict,
		Officers: officers, Templates: templates, Rules: rules, Days: weekdays{}, Seed: seed})
}

// checkInvariants: no double booking, rest, roles, leave, weekly cap.
func checkInvariants(t *testing.T, r *Roster, officers []Officer, rules Rules) {
	t.Helper()
	by := map[string]Officer{}
	for _, o := range officers {
		by[o.ID] = o
	}
	per := map[string][]Assignment{}
	for _, a := range r.Assignments {
		o := by[a.Officer]
		if !strings.Contains(strings.Join(o.Roles, ","), a.Role) {
			t.Fatalf("%s as %s without the role", a.Officer, a.Role)
		}
		for _, u := range o.Unavailable {
			if u.overlaps(a.period()) {
				t.Fatalf("%s rostered on leave at %s", a.Officer, a.Start)
			}
		}
		per[a.Officer] = append(per[a.Officer], a)
	}
	for id, list := range per {
		weeks := map[string]int{}
		for i, a := range list {
			y, w := a.Start.ISOWeek()
			weeks[fmt.Sprint(y, w)]++
			for _, b := range list[i+1:] {
				if a.period().overlaps(b.period()) {
					t.Fatalf("%s double-booked: %s and %s", id, a.Start, b.Start)
				}
				gap := b.Start.Sub(a.End)
				if a.Start.After(b.Start) {
					gap = a.Start.Sub(b.End)
				}
				if gap < rules.MinRest {
					t.Fatalf("%s rests %v between %s and %s", id, gap, a.Start, b.Start)
				}
			}
		}
		for wk, n := range weeks {
			if rules.MaxPerWeek > 0 && n > rules.MaxPerWeek {
				t.Fatalf("%s has %d shifts in week %s", id, n, wk)
			}
		}
	}
	for _, u := range r.Unfilled {
		if u.Summary == "" || len(u.Reasons) != len(officers) {
			t.Fatalf("unfilled slot without a reason for every officer: %+v", u)
		}
	}
}

// spread is max−min of a load figure among officers of one role with no leave.
func spread(r *Roster, officers []Officer, role string, f func(Load) int) int {
	lo, hi := 1<<30, -1
	for _, o := range officers {
		if o.Roles[0] != role || len(o.Unavailable) > 0 {
			continue
		}
		v := f(r.Load[o.ID])
		lo, hi = min(lo, v), max(hi, v)
	}
	if hi < 0 {
		return 0
	}
	return hi - lo
}

// Over many seeds and pools: the invariants hold, and the load is even:
// among officers of one role with no leave, total, weekend and holiday
// shifts differ by at most 2 (the bound stated in the package: greedy
// choice of the least loaded, broken only by leave and rest).
func TestGenerateProperties(t *testing.T) {
	rules := Rules{MinRest: 24 * time.Hour, MaxPerWeek: 3}
	for seed := range uint64(20) {
		officers := pool(rand.New(rand.NewPCG(seed, 7)), 50)
		r, err := quarter(seed, officers, rules)
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, r, officers, rules)
		if len(r.Unfilled) > 0 {
			t.Fatalf("seed %d: %d slots unfilled with a pool of 50: %+v", seed, len(r.Unfilled), r.Unfilled[0])
		}
		for _, role := range []string{"shift_leader", "division_leader", "office", "surveillance"} {
			for name, f := range map[string]func(Load) int{
				"shifts": func(l Load) int { return l.Shifts }, "weekends": func(l Load) int { return l.Weekends },
				"holidays": func(l Load) int { return l.Holidays }, "nights": func(l Load) int { return l.Nights },
			} {
				if s := spread(r, officers, role, f); s > 2 {
					t.Errorf("seed %d: %s %s spread %d", seed, role, name, s)
				}
			}
		}
	}
}

// Too few shift leaders, and everyone on leave for a week: the holes are
// explained, officer by officer.
func TestUnfillableExplained(t *testing.T) {
	rules := Rules{MinRest: 24 * time.Hour}
	officers := pool(rand.New(rand.NewPCG(1, 1)), 12) // two shift leaders (cb00, cb06): each day alternates between them
	officers[0].Unavailable = []Period{{time.Date(2027, 2, 1, 0, 0, 0, 0, ict), time.Date(2027, 2, 15, 0, 0, 0, 0, ict)}}
	r, err := quarter(3, officers, rules)
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, r, officers, rules)
	found := false
	for _, u := range r.Unfilled {
		if u.Role == "shift_leader" && strings.Contains(u.Summary, whyUnavailable) && strings.Contains(u.Summary, whyRole) {
			found = true
		}
	}
	if !found {
		t.Fatalf("no explained shift-leader hole while one of two is on leave: %d unfilled", len(r.Unfilled))
	}
	for i := range officers {
		officers[i].Unavailable = []Period{{time.Date(2027, 3, 1, 0, 0, 0, 0, ict), time.Date(2027, 3, 8, 0, 0, 0, 0, ict)}}
	}
	r, _ = quarter(3, officers, rules)
	holes := 0
	for _, u := range r.Unfilled {
		if !u.Start.Before(time.Date(2027, 3, 1, 8, 0, 0, 0, ict)) && u.Start.Before(time.Date(2027, 3, 7, 0, 0, 0, 0, ict)) {
			holes++
			for _, o := range officers {
				if o.Roles[0] == u.Role && u.Reasons[o.ID] != whyUnavailable {
					t.Fatalf("%s (%s) refused for %q, want leave: %+v", o.ID, o.Roles[0], u.Reasons[o.ID], u)
				}
			}
		}
	}
	if holes == 0 {
		t.Fatal("a week with everyone on leave has no holes")
	}
}

// Art. 5: with five departments, each department covers its day in turn.
func TestDepartmentRotation(t *testing.T) {
	officers := pool(rand.New(rand.NewPCG(2, 2)), 60)
	rules := Rules{MinRest: 24 * time.Hour, Departments: []string{"phong-0", "phong-1", "phong-2", "phong-3", "phong-4"}}
	r, err := quarter(1, officers, rules)
	if err != nil {
		t.Fatal(err)
	}
	dept := map[string]string{}
	for _, o := range officers {
		dept[o.ID] = o.Department
	}
	first := time.Date(2027, 1, 1, 0, 0, 0, 0, ict)
	for _, a := range r.Assignments {
		i := int(a.Start.Sub(first).Hours()) / 24
		if want := rules.Departments[i%5]; dept[a.Officer] != want {
			t.Fatalf("%s on %s belongs to %s, the day is %s's", a.Officer, a.Start, dept[a.Officer], want)
		}
	}
}

// Overrides and swaps: no effect until approved, none if rejected; an
// approved one applies; one that breaks the rest rule is refused.
func TestOverridesNeedApproval(t *testing.T) {
	officers := pool(rand.New(rand.NewPCG(4, 4)), 50)
	rules := Rules{MinRest: 24 * time.Hour}
	r, _ := quarter(5, officers, rules)
	a := r.OnDay(time.Date(2027, 2, 10, 0, 0, 0, 0, ict))[0]
	// Someone with the role who is free around that shift.
	sub := ""
	for _, o := range officers {
		if o.Roles[0] == a.Role && o.ID != a.Officer && len(o.Unavailable) == 0 {
			ok := true
			for _, b := range r.ByOfficer(o.ID) {
				if b.Start.Sub(a.End).Abs() < 48*time.Hour || a.Start.Sub(b.End).Abs() < 48*time.Hour {
					ok = false
				}
			}
			if ok {
				sub = o.ID
				break
			}
		}
	}
	if sub == "" {
		t.Fatal("no substitute found")
	}
	ov := Override{Shift: a.Shift, Start: a.Start, Role: a.Role, From: a.Officer, To: sub}
	for _, pending := range []Override{ov, {Shift: ov.Shift, Start: ov.Start, Role: ov.Role, From: ov.From, To: ov.To, Approved: true, Rejected: true}} {
		out, err := r.Apply([]Override{pending})
		if err != nil || out.OnDay(a.Start)[0].Officer != a.Officer {
			t.Fatalf("an unapproved or rejected override took effect: %v", err)
		}
	}
	ov.Approved = true
	out, err := r.Apply([]Override{ov})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.OnDay(a.Start)[0].Officer; got != sub || out.Load[sub].Shifts != r.Load[sub].Shifts+1 {
		t.Fatalf("approved override: %s", got)
	}
	// Someone already on the next day's 24-hour shift cannot take this one.
	next := r.OnDay(a.Start.AddDate(0, 0, 1))
	var busy string
	for _, b := range next {
		if b.Role == a.Role && b.Officer != a.Officer {
			busy = b.Officer
		}
	}
	if busy != "" {
		bad := Override{Shift: a.Shift, Start: a.Start, Role: a.Role, From: a.Officer, To: busy, Approved: true}
		if _, err := r.Apply([]Override{bad}); !errors.Is(err, ErrOverride) {
			t.Fatalf("a swap that breaks the rest rule: %v", err)
		}
	}
}

func BenchmarkQuarter50(b *testing.B) {
	officers := pool(rand.New(rand.NewPCG(9, 9)), 50)
	rules := Rules{MinRest: 24 * time.Hour, MaxPerWeek: 3}
	for b.Loop() {
		if _, err := quarter(1, officers, rules); err != nil {
			b.Fatal(err)
		}
	}
}
