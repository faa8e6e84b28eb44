package recorder

import (
	"errors"
	"os"
	"time"
)

// StorageState is what the recorder reports about its disk.
type StorageState struct {
	BudgetBytes   int64  `json:"budget_bytes"`
	UsedBytes     int64  `json:"used_bytes"`
	UnsyncedBytes int64  `json:"unsynced_bytes"`
	Alarm         string `json:"alarm"`
	Message       string `json:"message"`
	Recording     bool   `json:"recording"`
}

// Backlog is what the hub does not have yet.
type Backlog struct {
	Segments int
	Bytes    int64
	Oldest   time.Time // start of the oldest unsynced segment; zero when none
	Lost     int       // evicted before sync (their manifests are still owed)
}

// Storage reports the disk budget and the alarm.
func (r *Recorder) Storage() StorageState {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := StorageState{BudgetBytes: r.cfg.BudgetBytes, UsedBytes: r.usedLocked(), Alarm: r.alarm, Message: r.alarmMsg, Recording: !r.stopped}
	for _, ss := range r.segs {
		for _, s := range ss {
			if s.State == StateLocal {
				st.UnsyncedBytes += s.Manifest.Size
			}
		}
	}
	return st
}

// Backlog reports the segments the hub does not have yet.
func (r *Recorder) Backlog() Backlog {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b Backlog
	for _, ss := range r.segs {
		for _, s := range ss {
			switch s.State {
			case StateLocal:
				b.Segments++
				b.Bytes += s.Manifest.Size
				if b.Oldest.IsZero() || s.Manifest.Start.Before(b.Oldest) {
					b.Oldest = s.Manifest.Start
				}
			case StateLost:
				b.Lost++
			}
		}
	}
	return b
}

func (r *Recorder) usedLocked() int64 {
	u := r.used
	for _, n := range r.openSize {
		u += n
	}
	return u
}

// limitLocked is the budget in force: lower than configured while the disk
// itself is full.
func (r *Recorder) limitLocked() int64 {
	if r.diskLimit > 0 && r.cfg.Now().Before(r.diskLimitUntil) {
		return min(r.diskLimit, r.cfg.BudgetBytes)
	}
	r.diskLimit = 0
	return r.cfg.BudgetBytes
}

// diskProbe is how long a full disk caps the budget before the recorder tries the disk's real size again.
const diskProbe = time.Minute

// grew records that an open segment reached size bytes and enforces the budget.
func (r *Recorder) grew(cam string, size int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.openSize[cam] = size
	r.evictLocked(0)
}

// diskFull frees space after a write failed for lack of it.
func (r *Recorder) diskFull(cam string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log.Error("disk full while recording", "camera", cam, "err", err)
	// The disk is smaller than the budget: take what is used now as the limit for a while.
	r.diskLimit, r.diskLimitUntil = max(r.usedLocked()*9/10, 1), r.cfg.Now().Add(diskProbe)
	r.evictLocked(0)
	r.lastCheck = r.cfg.Now()
	if r.alarm != AlarmFull {
		r.alarm, r.alarmMsg = AlarmFull, "disk full: "+err.Error()
	}
}

// recording reports whether new segments may be opened (OnFullStop may have stopped them).
func (r *Recorder) recording() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now := r.cfg.Now(); r.stopped && now.Sub(r.lastCheck) >= time.Second {
		r.lastCheck = now
		r.evictLocked(0) // space may have been confirmed or freed since
	}
	return !r.stopped
}

// evictLocked brings the recordings within the budget, freeing at least
// extra bytes more: synced segments first, oldest first; then, by policy,
// the oldest unsynced one (kept as a lost record so the hub learns of it)
// or a stop. It then sets the alarm.
func (r *Recorder) evictLocked(extra int64) {
	limit := r.limitLocked()
	freed := int64(0)
	for r.usedLocked() > limit || freed < extra {
		if s := r.oldestLocked(StateSynced); s != nil {
			freed += r.removeLocked(s, false)
			continue
		}
		if r.cfg.OnFull == OnFullStop {
			if !r.stopped {
				r.log.Error("storage full of unsynced recordings: recording stopped until space returns")
			}
			r.stopped = true
			r.alarm, r.alarmMsg = AlarmFull, "storage full of unsynced recordings; recording stopped"
			return
		}
		s := r.oldestLocked(StateLocal)
		if s == nil {
			break
		}
		r.log.Error("storage full: evicting an unsynced segment", "camera", s.Manifest.Camera, "seq", s.Manifest.Seq,
			"start", s.Manifest.Start)
		freed += r.removeLocked(s, true)
		r.alarm, r.alarmMsg = AlarmFull, "storage full; oldest unsynced recordings overwritten"
	}
	if r.stopped && r.usedLocked() < limit*9/10 {
		r.stopped = false
		r.log.Info("storage has room again: recording resumes")
	}
	var unsynced int64
	for _, ss := range r.segs {
		for _, s := range ss {
			if s.State == StateLocal {
				unsynced += s.Manifest.Size
			}
		}
	}
	switch {
	case r.stopped:
	case unsynced > limit*8/10:
		r.alarm, r.alarmMsg = AlarmLow, "unsynced recordings fill most of the storage budget"
	case r.alarm == AlarmFull && freed > 0:
		// stays full until the next check finds room
	default:
		r.alarm, r.alarmMsg = AlarmNone, ""
	}
}

func (r *Recorder) oldestLocked(state string) *Segment {
	var best *Segment
	for _, ss := range r.segs {
		for _, s := range ss {
			if s.State == state && (best == nil || s.Manifest.Start.Before(best.Manifest.Start)) {
				best = s
			}
		}
	}
	return best
}

// removeLocked deletes a segment's file; an unsynced one stays in the index as lost.
func (r *Recorder) removeLocked(s *Segment, lost bool) int64 {
	cam, seq := s.Manifest.Camera, s.Manifest.Seq
	if err := os.Remove(s.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
		r.log.Error("evict segment", "path", s.Path, "err", err)
	}
	r.used -= s.Manifest.Size
	if lost {
		s.State = StateLost
		if err := r.idx.put(cam, nil, s); err != nil {
			r.log.Error("mark segment lost", "err", err)
		}
		return s.Manifest.Size
	}
	if err := r.idx.deleteSeg(cam, seq); err != nil {
		r.log.Error("evict segment", "err", err)
	}
	ss := r.segs[cam]
	for i, x := range ss {
		if x == s {
			r.segs[cam] = append(ss[:i:i], ss[i+1:]...)
			break
		}
	}
	return s.Manifest.Size
}
