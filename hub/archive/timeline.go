package archive

import (
	"fmt"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/protocol/evidence"
)

// Gap reasons.
const (
	GapVehicleOff  = "vehicle_off"  // the node was off or restarting: nothing was recorded
	GapCameraDown  = "camera_down"  // the camera stream was interrupted
	GapSyncing     = "syncing"      // recorded on the vehicle, not yet at the hub
	GapNoRecording = "no_recording" // before the camera's first recording, or nothing known
	GapStorageFull = "storage_full" // the vehicle's storage was full: nothing was recorded
	GapEvicted     = "evicted"      // recorded, but overwritten on the vehicle before it reached the hub
)

// Span is a time range.
type Span struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Gap is a range without archived video, and why.
type Gap struct {
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Reason string    `json:"reason"`
}

// Timeline is what the archive holds for a camera in a window.
type Timeline struct {
	Ranges []Span `json:"ranges"`
	Gaps   []Gap  `json:"gaps"`
}

// VehicleState is what the hub knows of a vehicle now, to explain a gap at the end of a window.
type VehicleState struct {
	Online bool
	// BacklogOldest is the start of the oldest segment the vehicle still has to send; zero = none.
	BacklogOldest time.Time
}

// mergeTolerance: shorter gaps between segments are clock jitter, not gaps.
const mergeTolerance = time.Second

// Timeline lists covered ranges and gaps of a camera in [from, to).
func (a *Archive) Timeline(vehicle, camera string, from, to time.Time, vs VehicleState) (Timeline, error) {
	tl := Timeline{Ranges: []Span{}, Gaps: []Gap{}}
	if !to.After(from) {
		return tl, fmt.Errorf("archive: window end %s is not after its start %s", to, from)
	}
	recs, err := a.Segments(vehicle, camera, from, to)
	if err != nil {
		return tl, err
	}
	cursor := from
	var prev *Record
	addGap := func(s, e time.Time, reason string) {
		if e.Sub(s) <= mergeTolerance {
			return
		}
		if n := len(tl.Gaps); n > 0 && tl.Gaps[n-1].Reason == reason && !tl.Gaps[n-1].End.Before(s) {
			tl.Gaps[n-1].End = e
			return
		}
		tl.Gaps = append(tl.Gaps, Gap{Start: s, End: e, Reason: reason})
	}
	for i := range recs {
		r := &recs[i]
		s, e := maxTime(r.Manifest.Start, from), minTime(r.Manifest.End, to)
		if s.Sub(cursor) > mergeTolerance {
			addGap(cursor, s, a.reasonBefore(r, prev))
		}
		if r.Lost {
			addGap(s, e, GapEvicted)
		} else if n := len(tl.Ranges); n > 0 && s.Sub(tl.Ranges[n-1].End) <= mergeTolerance {
			tl.Ranges[n-1].End = maxTime(tl.Ranges[n-1].End, e)
		} else {
			tl.Ranges = append(tl.Ranges, Span{Start: s, End: e})
		}
		cursor, prev = maxTime(cursor, e), r
	}
	end := to
	if now := a.cfg.Now(); end.After(now) {
		end = now
	}
	if end.Sub(cursor) > mergeTolerance {
		reason := GapNoRecording
		if next, err := a.firstFrom(vehicle, camera, to); err != nil {
			return tl, err
		} else if next != nil {
			reason = a.reasonBefore(next, prev)
		} else if !vs.BacklogOldest.IsZero() && vs.BacklogOldest.Before(end) || vs.Online {
			reason = GapSyncing
		} else if prev != nil || len(recs) == 0 && a.hasAny(vehicle, camera) {
			reason = GapVehicleOff
		}
		addGap(cursor, end, reason)
	}
	return tl, nil
}

// reasonBefore explains the gap before r; prev is the record before it in the window, if any.
func (a *Archive) reasonBefore(r, prev *Record) string {
	m := &r.Manifest
	if prev == nil && m.Seq > 1 {
		p, err := a.get(m.Vehicle, m.Camera, m.Seq-1)
		if err == nil && p != nil {
			prev = p
		}
	}
	if m.Seq > 1 && (prev == nil || prev.Manifest.Seq != m.Seq-1) {
		return GapSyncing // segments before this one are still on the vehicle
	}
	switch m.Break {
	case evidence.BreakRestart:
		return GapVehicleOff
	case evidence.BreakCamera:
		return GapCameraDown
	case evidence.BreakStorage:
		return GapStorageFull
	case evidence.BreakStart:
		return GapNoRecording
	}
	return GapVehicleOff // a seamless segment after a clock correction
}

// firstFrom returns the first record starting at or after t.
func (a *Archive) firstFrom(vehicle, camera string, t time.Time) (*Record, error) {
	pfx := fmt.Sprintf("arch/t/%s/%s/", vehicle, camera)
	var seq uint64
	found := false
	err := a.db.Badger().View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(pfx)})
		defer it.Close()
		it.Seek(fmt.Appendf(nil, "%s%020d", pfx, t.UnixNano()))
		if it.Valid() {
			var ns int64
			_, err := fmt.Sscanf(strings.TrimPrefix(string(it.Item().Key()), pfx), "%020d/%020d", &ns, &seq)
			found = err == nil
		}
		return nil
	})
	if err != nil || !found {
		return nil, err
	}
	return a.get(vehicle, camera, seq)
}

func (a *Archive) hasAny(vehicle, camera string) bool {
	r, err := a.firstFrom(vehicle, camera, time.Unix(0, 0))
	return err == nil && r != nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
