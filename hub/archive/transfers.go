package archive

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"fieldwatch/hub/store"
	"fieldwatch/internal/vntime"
	"fieldwatch/protocol/evidence"
)

// Zone is where the transfer day is counted (the units' local day).
var Zone = vntime.Zone

// DayStats are one vehicle's transfers on one day (Decision 3035, Appendix I).
type DayStats struct {
	Vehicle          string     `json:"vehicle"`
	Day              string     `json:"day"`
	SegmentsSent     int        `json:"segments_sent"`
	BytesSent        int64      `json:"bytes_sent"`
	SegmentsReceived int        `json:"segments_received"`
	BytesReceived    int64      `json:"bytes_received"`
	SegmentsApplied  int        `json:"segments_applied"`
	BytesApplied     int64      `json:"bytes_applied"`
	Errors           int        `json:"errors"`
	FirstAt          time.Time  `json:"first_at"`
	LastAt           time.Time  `json:"last_at"`
	Files            []FileStat `json:"files"`
}

// FileStat is one segment's transfer.
type FileStat struct {
	Camera        string    `json:"camera"`
	Seq           uint64    `json:"seq"`
	Size          int64     `json:"size"`
	ReceivedStart time.Time `json:"received_start"`
	ReceivedEnd   time.Time `json:"received_end"`
	AppliedAt     time.Time `json:"applied_at"`
	Error         string    `json:"error"`
}

func dayKey(day, vehicle string) string { return "arch/xd/" + day + "/" + vehicle }

func fileKey(day string, m *evidence.Manifest) string {
	return fmt.Sprintf("arch/xf/%s/%s/%s/%020d", day, m.Vehicle, m.Camera, m.Seq)
}

// transferRetention keeps transfer statistics as long as the evidence itself, at least.
const transferRetention = 400 * 24 * time.Hour

// transferStarted notes when a segment's upload began (written with its outcome).
func (a *Archive) transferStarted(m *evidence.Manifest) {
	a.started.LoadOrStore(segID(m), a.cfg.Now())
}

// transferAt is the transfer of a segment whose outcome is now: it began
// when its upload started, or now when that is not known.
func (a *Archive) transferAt(m *evidence.Manifest) Transfer {
	now := a.cfg.Now()
	t := Transfer{At: now, Started: now}
	if at, ok := a.started.LoadAndDelete(segID(m)); ok {
		t.Started = at.(time.Time)
	}
	return t
}

// transferError counts a failed upload of m; a failure to count is only logged.
func (a *Archive) transferError(m *evidence.Manifest, msg string) {
	if err := a.submit.Submit(CountTransferError{Manifest: *m, Error: msg, Transfer: a.transferAt(m)}); err != nil {
		a.log.Error("transfer stats", "err", err)
	}
}

// Transfers returns each vehicle's transfer statistics for day (YYYY-MM-DD, Asia/Ho_Chi_Minh), with files.
func (a *Archive) Transfers(day string, keep func(vehicle string) bool) ([]DayStats, error) {
	if _, err := time.Parse("2006-01-02", day); err != nil {
		return nil, fmt.Errorf("archive: day %q is not YYYY-MM-DD", day)
	}
	days, err := store.List[DayStats](a.db, "arch/xd/"+day+"/")
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	out := days[:0]
	for _, d := range days {
		if keep != nil && !keep(d.Vehicle) {
			continue
		}
		files, err := store.List[FileStat](a.db, "arch/xf/"+day+"/"+d.Vehicle+"/")
		if err != nil {
			return nil, fmt.Errorf("archive: %w", err)
		}
		sort.Slice(files, func(i, j int) bool {
			if files[i].Camera != files[j].Camera {
				return strings.Compare(files[i].Camera, files[j].Camera) < 0
			}
			return files[i].Seq < files[j].Seq
		})
		d.Files = files
		out = append(out, d)
	}
	return out, nil
}
