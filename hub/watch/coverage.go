package watch

import (
	"slices"
	"time"
)

// Reasons a camera is unwatched.
const (
	// ReasonNoAssignment: no assignment names a group holding the camera.
	ReasonNoAssignment = "no_assignment"
	// ReasonOffDuty: the camera is assigned, but none of its officers is on
	// duty per the roster (swapped out, shift over, left).
	ReasonOffDuty = "officer_off_duty"
	// ReasonAddedLater: the camera joined the fleet after the period's
	// assignments were made and no group takes it in.
	ReasonAddedLater = "camera_added_after_assignment"
)

// ScopeCamera is a camera to check, and since when it exists (zero: before
// the period).
type ScopeCamera struct {
	Ref   CameraRef
	Since time.Time
}

// Planned is an assignment with its groups resolved to cameras.
type Planned struct {
	Assignment
	Cameras []CameraRef
}

// CoverageInput is everything the check needs; Duty gives each officer's
// on-duty intervals per the roster.
type CoverageInput struct {
	Period      Interval
	Cameras     []ScopeCamera
	Assignments []Planned
	Duty        map[string]Set
}

// Gap is unwatched time of one camera.
type Gap struct {
	Interval
	Reason string `json:"reason"`
	// Officers are the assigned officers who were not on duty (ReasonOffDuty).
	Officers []string `json:"officers,omitempty"`
}

// CameraCoverage is one camera's part of the check.
type CameraCoverage struct {
	Camera    CameraRef `json:"camera"`
	Scope     Interval  `json:"scope"` // the period, from when the camera exists
	Covered   Set       `json:"covered"`
	Uncovered []Gap     `json:"uncovered"`
	Watchers  []string  `json:"watchers"` // officers who watched it at some time
}

// Summary totals a check.
type Summary struct {
	Cameras        int     `json:"cameras"`
	FullyCovered   int     `json:"fully_covered"`
	FullyUncovered int     `json:"fully_uncovered"`
	CoveredPercent float64 `json:"covered_percent"`
}

// Coverage is the result of a check.
type Coverage struct {
	Period  Interval         `json:"period"`
	Cameras []CameraCoverage `json:"cameras"`
	Summary Summary          `json:"summary"`
}

// Check computes, for every camera of the input, when it was watched by
// an assigned officer who was on duty, and every interval it was not, with
// the reason. For each camera, Covered and Uncovered are disjoint and
// together make up its scope.
func Check(in CoverageInput) Coverage {
	out := Coverage{Period: in.Period, Cameras: []CameraCoverage{}}
	holds := make([]map[CameraRef]bool, len(in.Assignments)) // assignment i -> its cameras
	for i, a := range in.Assignments {
		holds[i] = make(map[CameraRef]bool, len(a.Cameras))
		for _, c := range a.Cameras {
			holds[i][c] = true
		}
	}
	var total, covered time.Duration
	for _, sc := range in.Cameras {
		scope := in.Period
		if sc.Since.After(scope.From) {
			scope.From = sc.Since
		}
		if scope.Empty() {
			continue
		}
		scopeSet := Union(scope)
		var assigned, watched Set
		officers := map[string]bool{}
		for i, a := range in.Assignments {
			if !holds[i][sc.Ref] {
				continue
			}
			p := Union(a.Period()).And(scopeSet)
			assigned = assigned.Or(p)
			w := p.And(in.Duty[a.Officer])
			if len(w) > 0 {
				officers[a.Officer] = true
			}
			watched = watched.Or(w)
		}
		cc := CameraCoverage{Camera: sc.Ref, Scope: scope, Covered: watched, Uncovered: []Gap{}, Watchers: sortedKeys(officers)}
		if cc.Covered == nil {
			cc.Covered = Set{}
		}
		for _, i := range assigned.Minus(watched) {
			cc.Uncovered = append(cc.Uncovered, Gap{Interval: i, Reason: ReasonOffDuty, Officers: offDutyOfficers(in, holds, sc.Ref, i)})
		}
		for _, i := range scopeSet.Minus(assigned) {
			cc.Uncovered = append(cc.Uncovered, Gap{Interval: i, Reason: unassignedReason(in, sc, i)})
		}
		slices.SortFunc(cc.Uncovered, func(a, b Gap) int { return a.From.Compare(b.From) })
		total += scope.Duration()
		covered += watched.Duration()
		out.Summary.Cameras++
		switch {
		case len(watched) == 0:
			out.Summary.FullyUncovered++
		case len(cc.Uncovered) == 0:
			out.Summary.FullyCovered++
		}
		out.Cameras = append(out.Cameras, cc)
	}
	if total > 0 {
		out.Summary.CoveredPercent = float64(covered*10000/total) / 100
	} else {
		out.Summary.CoveredPercent = 100
	}
	return out
}

// offDutyOfficers names the officers assigned to the camera over gap.
func offDutyOfficers(in CoverageInput, holds []map[CameraRef]bool, ref CameraRef, gap Interval) []string {
	set := map[string]bool{}
	for i, a := range in.Assignments {
		if a.Period().Overlaps(gap) && holds[i][ref] {
			set[a.Officer] = true
		}
	}
	return sortedKeys(set)
}

// unassignedReason: a camera that appeared after some assignment of the
// period was made was missed by the plan; otherwise nobody planned for it.
func unassignedReason(in CoverageInput, sc ScopeCamera, gap Interval) string {
	if sc.Since.IsZero() {
		return ReasonNoAssignment
	}
	for _, a := range in.Assignments {
		if a.Period().Overlaps(gap) && a.Created.Before(sc.Since) {
			return ReasonAddedLater
		}
	}
	return ReasonNoAssignment
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
