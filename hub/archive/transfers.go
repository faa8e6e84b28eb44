package archive

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldwatch/hub/store"
	"fieldwatch/protocol/evidence"
)

// Zone is where the transfer day is counted (the units' local day).
var Zone = mustZone("Asia/Ho_Chi_Minh")

func mustZone(name string) *time.Location {
	z, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return z
}

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

var xferMu sync.Mutex

func dayOf(t time.Time) string { return t.In(Zone).Format("2006-01-02") }

func dayKey(day, vehicle string) string { return "arch/xd/" + day + "/" + vehicle }

func fileKey(day string, m *evidence.Manifest) string {
	return fmt.Sprintf("arch/xf/%s/%s/%s/%020d", day, m.Vehicle, m.Camera, m.Seq)
}

// transferRetention keeps transfer statistics as long as the evidence itself, at least.
const transferRetention = 400 * 24 * time.Hour

// updateTransfer updates a segment's transfer record and its day's totals
// in one synced transaction, together with what also does (the archive
// index when a segment is applied). Only also's failure is returned.
func (a *Archive) updateTransfer(m *evidence.Manifest, fn func(d *DayStats, f *FileStat), also func(*badger.Txn) error) error {
	xferMu.Lock()
	defer xferMu.Unlock()
	now := a.cfg.Now()
	day := dayOf(now)
	var d DayStats
	var f FileStat
	statsOK := true
	if err := a.db.Get(dayKey(day, m.Vehicle), &d); err != nil && !errors.Is(err, store.ErrNotFound) {
		a.log.Error("transfer stats", "err", err)
		statsOK = false
	}
	if err := a.db.Get(fileKey(day, m), &f); err != nil && !errors.Is(err, store.ErrNotFound) {
		a.log.Error("transfer stats", "err", err)
		statsOK = false
	}
	if f.ReceivedStart.IsZero() {
		// First outcome of this segment today: it counts as sent from when its upload began.
		d.SegmentsSent++
		d.BytesSent += m.Size
		f.ReceivedStart = now
		if at, ok := a.started.LoadAndDelete(segID(m)); ok {
			f.ReceivedStart = at.(time.Time)
		}
	}
	d.Vehicle, d.Day = m.Vehicle, day
	if d.FirstAt.IsZero() {
		d.FirstAt = now
	}
	d.LastAt = now
	f.Camera, f.Seq, f.Size = m.Camera, m.Seq, m.Size
	fn(&d, &f)
	d.Files = nil
	dv, _ := json.Marshal(d)
	fv, _ := json.Marshal(f)
	var alsoErr error
	err := a.db.Badger().Update(func(txn *badger.Txn) error {
		if also != nil {
			if alsoErr = also(txn); alsoErr != nil {
				return alsoErr
			}
		}
		if !statsOK {
			return nil
		}
		if err := txn.SetEntry(badger.NewEntry([]byte(dayKey(day, m.Vehicle)), dv).WithTTL(transferRetention)); err != nil {
			return err
		}
		return txn.SetEntry(badger.NewEntry([]byte(fileKey(day, m)), fv).WithTTL(transferRetention))
	})
	if err != nil {
		a.log.Error("transfer stats", "err", err)
		return err
	}
	return nil
}

// transferStarted notes when a segment's upload began (written with its outcome).
func (a *Archive) transferStarted(m *evidence.Manifest) {
	a.started.LoadOrStore(segID(m), a.cfg.Now())
}

// transferApplied indexes an archived segment and counts it received whole
// (at received) and applied (now), in one synced transaction.
func (a *Archive) transferApplied(m *evidence.Manifest, received time.Time, index func(*badger.Txn) error) error {
	return a.updateTransfer(m, func(d *DayStats, f *FileStat) {
		d.SegmentsReceived++
		d.BytesReceived += m.Size
		d.SegmentsApplied++
		d.BytesApplied += m.Size
		f.ReceivedEnd, f.AppliedAt, f.Error = received, a.cfg.Now(), ""
	}, index)
}

func (a *Archive) transferError(m *evidence.Manifest, msg string) {
	a.updateTransfer(m, func(d *DayStats, f *FileStat) {
		d.Errors++
		f.Error = msg
	}, nil)
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
