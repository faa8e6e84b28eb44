package rosters

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/messaging"
	"fieldwatch/hub/roster"
)

// Accounts is what the roster domain reads of the accounts.
type Accounts interface {
	User(username string) (auth.User, error)
	Users() ([]auth.User, error)
}

// Messages sends the notices officers acknowledge (messaging).
type Messages interface {
	SendNotice(from messaging.Sender, clientID, text string, to []messaging.Target) (messaging.Instruction, error)
}

// Service answers who is on duty and tells officers of their shifts.
type Service struct {
	store    *Store
	tree     access.Tree
	accounts Accounts
	messages Messages
	unitName func(string) string
	log      *slog.Logger
}

// ServiceParams build a Service.
type ServiceParams struct {
	Store    *Store
	Tree     access.Tree
	Accounts Accounts
	Messages Messages
	// UnitName is a unit's name (its id when it has none).
	UnitName func(id string) string
	Log      *slog.Logger
}

// NewService returns the roster service.
func NewService(p ServiceParams) *Service {
	s := &Service{store: p.Store, tree: p.Tree, accounts: p.Accounts, messages: p.Messages, unitName: p.UnitName, log: p.Log}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.unitName == nil {
		s.unitName = func(id string) string { return id }
	}
	return s
}

// Store is the service's roster store.
func (s *Service) Store() *Store { return s.store }

// Set is the published rosters of a period, read once, each with its
// approved overrides applied when first needed.
type Set struct {
	Rosters   []Roster
	tree      access.Tree
	effective map[string]*roster.Roster // roster id -> with approved overrides
}

// Published reads the published rosters overlapping [from, to).
func (s *Service) Published(from, to time.Time) (*Set, error) {
	all, err := s.store.List()
	if err != nil {
		return nil, err
	}
	rs := &Set{tree: s.tree, effective: map[string]*roster.Roster{}}
	for _, r := range all {
		if !r.Published.IsZero() && r.To.After(from) && r.From.Before(to) {
			rs.Rosters = append(rs.Rosters, r)
		}
	}
	return rs, nil
}

// Effective is r with its approved overrides applied.
func (rs *Set) Effective(r Roster) (*roster.Roster, error) {
	if e, ok := rs.effective[r.ID]; ok {
		return e, nil
	}
	e, err := r.Effective()
	if err != nil {
		return nil, fmt.Errorf("roster %s: %w", r.ID, err)
	}
	rs.effective[r.ID] = e
	return e, nil
}

// OnDutyAt is who is on shift at at in unit and the units below it (""
// means every unit). When two rosters of a unit cover the instant, the one
// published last wins. Names are left empty.
func (rs *Set) OnDutyAt(unit string, at time.Time) ([]OnDuty, error) {
	latest := map[string]Roster{} // unit -> the roster in force
	for _, r := range rs.Rosters {
		if at.Before(r.From) || !at.Before(r.To) || unit != "" && !rs.tree.Within(r.Unit, unit) {
			continue
		}
		if cur, ok := latest[r.Unit]; !ok || r.Published.After(cur.Published) {
			latest[r.Unit] = r
		}
	}
	var out []OnDuty
	for _, r := range latest {
		eff, err := rs.Effective(r)
		if err != nil {
			return nil, err
		}
		for _, a := range eff.Assignments {
			if !at.Before(a.Start) && at.Before(a.End) {
				out = append(out, OnDuty{Unit: r.Unit, Roster: r.ID, Assignment: a})
			}
		}
	}
	slices.SortFunc(out, func(a, b OnDuty) int {
		if a.Unit != b.Unit {
			return strings.Compare(a.Unit, b.Unit)
		}
		if a.Role != b.Role {
			return strings.Compare(a.Role, b.Role)
		}
		return strings.Compare(a.Officer, b.Officer)
	})
	return out, nil
}

// OnDuty returns who is on shift at instant at in unit and the units below
// it (unit "" means every unit), from the published rosters covering at,
// with approved swaps and replacements applied, and the officers' names.
// When two published rosters of a unit cover the instant, the one
// published last wins.
func (s *Service) OnDuty(unit string, at time.Time) ([]OnDuty, error) {
	rs, err := s.Published(at, at.Add(time.Nanosecond))
	if err != nil {
		return nil, fmt.Errorf("on duty: %w", err)
	}
	out, err := rs.OnDutyAt(unit, at)
	if err != nil {
		return nil, fmt.Errorf("on duty: %w", err)
	}
	names := map[string]string{}
	for i, d := range out {
		if _, ok := names[d.Officer]; !ok {
			acct, _ := s.accounts.User(d.Officer) // a retired or renamed account still shows by username
			names[d.Officer] = acct.Name
		}
		out[i].Name = names[d.Officer]
	}
	return out, nil
}

// OnDutyOfficer reports whether username is on shift in unit's subtree at at.
func (s *Service) OnDutyOfficer(username, unit string, at time.Time) (bool, error) {
	list, err := s.OnDuty(unit, at)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(list, func(d OnDuty) bool { return d.Officer == username }), nil
}

// MyShiftsAhead is how far ahead one's own shifts are listed.
const MyShiftsAhead = 14 * 24 * time.Hour

// ShiftsOf lists u's shifts running at now or starting in the next two
// weeks, per the published rosters with approved swaps, soonest first.
func (s *Service) ShiftsOf(u auth.User, now time.Time) ([]OnDuty, error) {
	rs, err := s.Published(now, now.Add(MyShiftsAhead+time.Nanosecond))
	if err != nil {
		return nil, err
	}
	out := []OnDuty{}
	for _, r := range rs.Rosters {
		eff, err := rs.Effective(r)
		if err != nil {
			return nil, err
		}
		for _, a := range eff.Assignments {
			if a.Officer == u.Username && now.Before(a.End) && a.Start.Before(now.Add(MyShiftsAhead)) {
				out = append(out, OnDuty{Unit: r.Unit, Roster: r.ID, Name: u.Name, Assignment: a})
			}
		}
	}
	slices.SortFunc(out, func(a, b OnDuty) int { return a.Start.Compare(b.Start) })
	return out, nil
}

// DisplayName is an account's name, or its username when it has none or is unknown.
func (s *Service) DisplayName(username string) string {
	if a, err := s.accounts.User(username); err == nil && a.Name != "" {
		return a.Name
	}
	return username
}

// ReminderAhead is how long before a shift its officers are reminded.
const ReminderAhead = time.Hour

// reminderSender signs the reminders: the hub, not a person.
var reminderSender = messaging.Sender{Username: "he-thong", Name: "Hệ thống trực ban"}

// Run reminds officers of their coming shifts every minute until ctx ends.
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.RemindShifts(s.store.Now())
		}
	}
}

// RemindShifts reminds each officer of a shift starting within the hour
// after now, per the published rosters with their approved swaps, of the
// shift and who else is on it: once per officer and shift (a sent reminder
// is recorded, and the notice's client id makes a second send nothing),
// like an on-call schedule's notice before a hand-off.
func (s *Service) RemindShifts(now time.Time) {
	rs, err := s.Published(now, now.Add(ReminderAhead+time.Nanosecond))
	if err != nil {
		s.log.Error("shift reminders: list rosters", "err", err)
		return
	}
	for _, r := range rs.Rosters {
		eff, err := rs.Effective(r)
		if err != nil {
			s.log.Warn("shift reminders: roster does not apply", "roster", r.ID, "err", err)
			continue
		}
		shifts := map[time.Time][]OnDuty{} // start -> who
		for _, a := range eff.Assignments {
			if !a.Start.Before(now) && a.Start.Sub(now) <= ReminderAhead {
				shifts[a.Start] = append(shifts[a.Start], OnDuty{Unit: r.Unit, Roster: r.ID, Assignment: a})
			}
		}
		for start, on := range shifts {
			for _, d := range on {
				if done, err := s.store.Reminded(r.ID, d.Officer, start); err != nil || done {
					continue
				}
				var others []string
				for _, o := range on {
					if o.Officer != d.Officer {
						others = append(others, fmt.Sprintf("%s (%s)", s.DisplayName(o.Officer), SlotName(o.Role)))
					}
				}
				text := fmt.Sprintf("Nhắc ca trực: đồng chí trực %s, %s, từ %s đến %s.", d.Shift, SlotName(d.Role),
					start.In(roster.Zone).Format("15:04 02/01/2006"), d.End.In(roster.Zone).Format("15:04 02/01/2006"))
				if len(others) > 0 {
					text += " Cùng ca: " + strings.Join(others, ", ") + "."
				}
				from := reminderSender
				from.Unit = r.Unit
				if s.sendNotice(from, fmt.Sprintf("shift-%s-%s-%d", r.ID, d.Officer, start.Unix()), text, d.Officer) {
					if err := s.store.Remind(r.ID, d.Officer, start); err != nil {
						s.log.Warn("shift reminders: record", "roster", r.ID, "officer", d.Officer, "err", err)
					}
				}
			}
		}
	}
}
