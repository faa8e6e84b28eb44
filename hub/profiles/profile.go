// Package profiles keeps focus profiles (hồ sơ trọng điểm, Decision 888
// Art. 13): drafted by the surveillance unit with scope, content and
// requirements, in force only once a leader approves them. An approved
// profile's edit is a pending revision with no effect until approved (the
// approved revision stays in force meanwhile; a rejected one never takes
// effect). The package also keeps the alerts the profiles' rules raise
// (see alerts.go) and the rule engine's memory, in one Badger transaction
// per event.
package profiles

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"fieldwatch/hub/rules"
	"fieldwatch/internal/errkind"
)

// Errors.
var (
	ErrInvalid = errkind.New(errkind.Invalid, "bad_request", "profiles: invalid")
	ErrUnknown = errkind.New(errkind.NotFound, "not_found", "profiles: no such profile")
	ErrState   = errkind.New(errkind.Conflict, "conflict", "profiles: not allowed in this state")
	ErrOwn     = errkind.New(errkind.Forbidden, "forbidden", "profiles: the author may not decide their own profile")
)

// Profile states.
const (
	StateDraft     = "draft"
	StateSubmitted = "submitted"
	StateApproved  = "approved"
	StateRejected  = "rejected"
	StateClosed    = "closed"
	// StateExpired is shown for an approved profile whose window ended.
	StateExpired = "expired"
)

// Scope is what a profile watches.
type Scope struct {
	rules.Scope
	Sites  []string `json:"sites"`  // places by name (gate, yard, warehouse)
	Routes []string `json:"routes"` // roads and routes by name
}

// Spec is one revision of a profile: everything its author writes.
type Spec struct {
	Title        string       `json:"title"`
	Content      string       `json:"content"`      // nội dung
	Requirements string       `json:"requirements"` // yêu cầu
	Scope        Scope        `json:"scope"`
	Window       rules.Window `json:"window"`
	Rules        []rules.Rule `json:"rules"`
	// Watchers are the officers assigned to watch (usernames).
	Watchers []string `json:"watchers"`
	// WatchOnDuty adds the surveillance officers on shift when an alert fires.
	WatchOnDuty bool `json:"watch_on_duty"`
}

// Limits.
const (
	maxText  = 4000
	maxTitle = 200
	maxList  = 200
	maxRules = 20
)

func cleanList(name string, l []string) ([]string, error) {
	if len(l) > maxList {
		return nil, fmt.Errorf("%w: at most %d %s", ErrInvalid, maxList, name)
	}
	out := []string{}
	for _, s := range l {
		s = strings.TrimSpace(s)
		if utf8.RuneCountInString(s) > maxTitle {
			return nil, fmt.Errorf("%w: %s entry longer than %d characters", ErrInvalid, name, maxTitle)
		}
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// Normalize trims the spec and checks it; the result is what is stored.
func (s Spec) Normalize() (Spec, error) {
	s.Title, s.Content, s.Requirements = strings.TrimSpace(s.Title), strings.TrimSpace(s.Content), strings.TrimSpace(s.Requirements)
	switch {
	case s.Title == "":
		return s, fmt.Errorf("%w: a profile needs a title", ErrInvalid)
	case utf8.RuneCountInString(s.Title) > maxTitle:
		return s, fmt.Errorf("%w: title longer than %d characters", ErrInvalid, maxTitle)
	case utf8.RuneCountInString(s.Content) > maxText || utf8.RuneCountInString(s.Requirements) > maxText:
		return s, fmt.Errorf("%w: content and requirements at most %d characters each", ErrInvalid, maxText)
	case len(s.Rules) > maxRules:
		return s, fmt.Errorf("%w: at most %d rules", ErrInvalid, maxRules)
	}
	var err error
	lists := []struct {
		name string
		l    *[]string
	}{{"vehicles", &s.Scope.Vehicles}, {"cameras", &s.Scope.Cameras}, {"plates", &s.Scope.Plates},
		{"enterprises", &s.Scope.Enterprises}, {"keywords", &s.Scope.Keywords}, {"sites", &s.Scope.Sites},
		{"routes", &s.Scope.Routes}, {"watchers", &s.Watchers}}
	for _, x := range lists {
		if *x.l, err = cleanList(x.name, *x.l); err != nil {
			return s, err
		}
	}
	for _, c := range s.Scope.Cameras {
		if v, cam, ok := strings.Cut(c, "/"); !ok || v == "" || cam == "" {
			return s, fmt.Errorf("%w: camera %q must be vehicle/camera", ErrInvalid, c)
		}
	}
	if err := s.Window.Validate(); err != nil {
		return s, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if s.Rules == nil {
		s.Rules = []rules.Rule{}
	}
	var ids []string
	for _, r := range s.Rules {
		if err := r.Validate(s.Scope.Scope, s.Window); err != nil {
			return s, fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		if slices.Contains(ids, r.ID) {
			return s, fmt.Errorf("%w: rule id %s used twice", ErrInvalid, r.ID)
		}
		ids = append(ids, r.ID)
	}
	if len(s.Watchers) == 0 && !s.WatchOnDuty {
		return s, fmt.Errorf("%w: assign watchers or the surveillance officers on duty", ErrInvalid)
	}
	return s, nil
}

// DecodeSpec reads a spec from outside JSON strictly (unknown fields are
// errors) and normalizes it.
func DecodeSpec(data []byte) (Spec, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Spec
	if err := dec.Decode(&s); err != nil {
		return Spec{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if dec.More() {
		return Spec{}, fmt.Errorf("%w: trailing data after the profile", ErrInvalid)
	}
	return s.Normalize()
}

// Step is one line of a profile's history.
type Step struct {
	Time     time.Time `json:"time"`
	By       string    `json:"by"`
	Action   string    `json:"action"` // created, edited, submitted, approved, rejected, revision_proposed, revision_approved, revision_rejected, closed
	Revision int       `json:"revision"`
	Note     string    `json:"note,omitempty"`
}

// Revision is a proposed edit of an approved profile, awaiting a leader.
type Revision struct {
	Number   int       `json:"number"`
	Spec     Spec      `json:"spec"`
	Author   string    `json:"author"`
	Proposed time.Time `json:"proposed"`
}

// Profile is one focus profile.
type Profile struct {
	ID     string `json:"id"`
	Unit   string `json:"unit"`
	Author string `json:"author"`
	State  string `json:"state"`
	// Revision is the number of Spec: the approved one in force, or the draft.
	Revision int  `json:"revision"`
	Spec     Spec `json:"spec"`
	// Pending is a proposed edit of the approved profile (no effect yet).
	Pending   *Revision `json:"pending,omitempty"`
	DecidedBy string    `json:"decided_by,omitempty"`
	Decided   time.Time `json:"decided,omitzero"`
	Note      string    `json:"note,omitempty"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
	History   []Step    `json:"history"`
}

// Status is the state shown at now: an approved profile whose window has
// ended is expired.
func (p *Profile) Status(now time.Time) string {
	if p.State == StateApproved && p.Spec.Window.Ended(now) {
		return StateExpired
	}
	return p.State
}

// InForce reports whether the approved revision is in force at now
// (approved, not closed, window not ended; the daily hours are the
// engine's business).
func (p *Profile) InForce(now time.Time) bool { return p.Status(now) == StateApproved }

// Armed reports whether the profile's rules fire at now: in force and
// inside its window.
func (p *Profile) Armed(now time.Time) bool { return p.InForce(now) && p.Spec.Window.Contains(now) }

// Watch is the profile as the rule engine sees it.
func (p *Profile) Watch() rules.Watch {
	return rules.Watch{Profile: p.ID, Title: p.Spec.Title, Scope: p.Spec.Scope.Scope, Window: p.Spec.Window, Rules: p.Spec.Rules}
}

// AwaitsDecision reports whether a leader has something to decide.
func (p *Profile) AwaitsDecision() bool { return p.State == StateSubmitted || p.Pending != nil }

// Proposer is who wrote what awaits a decision.
func (p *Profile) Proposer() string {
	if p.Pending != nil {
		return p.Pending.Author
	}
	return p.Author
}
