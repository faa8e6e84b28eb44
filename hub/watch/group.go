// Package watch is continuous surveillance (giám sát thường xuyên,
// Decision 888 Art. 13.1): camera groups chosen by area, site or scope,
// watch assignments that bind officers on a shift to groups, the automatic
// spread of a shift's groups over the officers on duty, and the coverage
// check that finds every camera left unwatched and says why. The logic is
// pure; Store keeps groups, assignments and the cameras' first sightings
// in the hub database and changes them only by commands (commands.go); API
// serves them over HTTP, with the rosters, fleet, units, accounts and
// focus profiles behind narrow interfaces.
package watch

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"fieldwatch/hub/fleet"
	"fieldwatch/internal/errkind"
)

// Errors: a malformed or rule-breaking request (400 bad_request), no such
// group, assignment or unit (404 not_found), a state that does not allow
// the request now, such as nobody on duty (409 conflict).
var (
	ErrInvalid  = errkind.New(errkind.Invalid, "bad_request", "watch: invalid")
	ErrUnknown  = errkind.New(errkind.NotFound, "not_found", "watch: not found")
	ErrConflict = errkind.New(errkind.Conflict, "conflict", "watch: conflict")
)

// Member kinds: one camera, every camera of a vehicle, every camera of
// every vehicle of a unit and the units below it.
const (
	MemberCamera  = "camera"
	MemberVehicle = "vehicle"
	MemberUnit    = "unit"
)

// Member selects cameras for a group. Vehicle and unit members are
// resolved against the fleet when evaluated, so cameras added later belong.
type Member struct {
	Kind    string `json:"kind"`
	Vehicle string `json:"vehicle,omitempty"`
	Camera  string `json:"camera,omitempty"`
	Unit    string `json:"unit,omitempty"`
}

// Group is a named set of cameras a unit watches together (an area, a
// site, a border gate).
type Group struct {
	ID      string    `json:"id"`
	Unit    string    `json:"unit"`
	Name    string    `json:"name"`
	Members []Member  `json:"members"`
	Created time.Time `json:"created"`
	By      string    `json:"by"`
}

// CameraRef names one camera as "vehicle/camera".
type CameraRef struct {
	Vehicle string `json:"vehicle"`
	Camera  string `json:"camera"`
}

// String is "vehicle/camera".
func (c CameraRef) String() string { return c.Vehicle + "/" + c.Camera }

// ParseCameraRef reads "vehicle/camera".
func ParseCameraRef(s string) (CameraRef, bool) {
	v, c, ok := strings.Cut(s, "/")
	return CameraRef{v, c}, ok && v != "" && c != "" && !strings.Contains(c, "/")
}

// MaxMembers bounds a group.
const MaxMembers = 500

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// Validate checks the group's shape (not whether its members exist).
func (g Group) Validate() error {
	name := strings.TrimSpace(g.Name)
	switch {
	case g.Unit == "":
		return fmt.Errorf("%w: group needs a unit", ErrInvalid)
	case name == "" || len([]rune(name)) > 120:
		return fmt.Errorf("%w: group name must be 1–120 characters", ErrInvalid)
	case len(g.Members) == 0 || len(g.Members) > MaxMembers:
		return fmt.Errorf("%w: group needs 1–%d members", ErrInvalid, MaxMembers)
	}
	for i, m := range g.Members {
		ok := false
		switch m.Kind {
		case MemberCamera:
			ok = idRE.MatchString(m.Vehicle) && idRE.MatchString(m.Camera) && m.Unit == ""
		case MemberVehicle:
			ok = idRE.MatchString(m.Vehicle) && m.Camera == "" && m.Unit == ""
		case MemberUnit:
			ok = m.Unit != "" && m.Vehicle == "" && m.Camera == ""
		}
		if !ok {
			return fmt.Errorf("%w: member %d: kind camera (vehicle, camera), vehicle (vehicle) or unit (unit)", ErrInvalid, i+1)
		}
	}
	return nil
}

// Within answers whether unit lies in ancestor's subtree.
type Within func(unit, ancestor string) bool

// Resolve lists the group's cameras in the fleet as it is now, in member
// order, without duplicates. Members naming something that no longer
// exists resolve to nothing.
func Resolve(g Group, vehicles []fleet.Vehicle, within Within) []CameraRef {
	seen := map[CameraRef]bool{}
	var out []CameraRef
	add := func(r CameraRef) {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	for _, m := range g.Members {
		for _, v := range vehicles {
			switch {
			case m.Kind == MemberCamera && v.ID == m.Vehicle:
				if _, ok := v.Camera(m.Camera); ok {
					add(CameraRef{v.ID, m.Camera})
				}
			case m.Kind == MemberVehicle && v.ID == m.Vehicle,
				m.Kind == MemberUnit && within(v.Unit, m.Unit):
				for _, c := range v.Cameras {
					add(CameraRef{v.ID, c.ID})
				}
			}
		}
	}
	return out
}

// InScope lists every camera of the vehicles in unit's subtree.
func InScope(unit string, vehicles []fleet.Vehicle, within Within) []CameraRef {
	return Resolve(Group{Members: []Member{{Kind: MemberUnit, Unit: unit}}}, vehicles, within)
}
