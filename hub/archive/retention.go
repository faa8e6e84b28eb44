package archive

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"fieldwatch/hub/store"
	"fieldwatch/internal/errkind"
	"fieldwatch/internal/ids"
)

// Hold is a legal hold: segments overlapping it are never deleted by retention.
type Hold struct {
	ID        string    `json:"id"`
	Vehicle   string    `json:"vehicle"`
	Camera    string    `json:"camera"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Reason    string    `json:"reason"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

const holdPrefix = "arch/hold/"

// ErrBadHold: the hold's range or reason is missing.
var ErrBadHold = errkind.New(errkind.Invalid, "bad_hold", "archive: a hold needs a vehicle, a camera, a range and a reason")

// ErrNoHold: no hold with that id.
var ErrNoHold = errkind.New(errkind.NotFound, "not_found", "archive: no such hold")

// AddHold places a legal hold.
func (a *Archive) AddHold(h Hold) (Hold, error) {
	if h.Vehicle == "" || h.Camera == "" || h.Reason == "" || h.Start.IsZero() || !h.End.After(h.Start) || len(h.Reason) > 500 {
		return h, ErrBadHold
	}
	h.ID = ids.New()
	h.CreatedAt = a.cfg.Now()
	if err := a.submit.Submit(PlaceHold{Hold: h}); err != nil {
		return h, err
	}
	return h, nil
}

// Holds lists the legal holds.
func (a *Archive) Holds() ([]Hold, error) { return store.List[Hold](a.db, holdPrefix) }

// Hold returns one hold.
func (a *Archive) Hold(id string) (Hold, error) {
	var h Hold
	if err := a.db.Get(holdPrefix+id, &h); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return h, ErrNoHold
		}
		return h, err
	}
	return h, nil
}

// RemoveHold lifts a hold; by is who lifts it.
func (a *Archive) RemoveHold(id, by string) (Hold, error) {
	h, err := a.Hold(id)
	if err != nil {
		return h, err
	}
	return h, a.submit.Submit(LiftHold{ID: id, By: by, At: a.cfg.Now()})
}

func held(holds []Hold, r *Record) bool {
	m := &r.Manifest
	for _, h := range holds {
		if h.Vehicle == m.Vehicle && h.Camera == m.Camera && h.Start.Before(m.End) && m.Start.Before(h.End) {
			return true
		}
	}
	return false
}

// Sweep deletes segments that ended before now minus the retention, except
// those under a hold, and returns how many it deleted.
func (a *Archive) Sweep() (int, error) {
	cutoff := a.cfg.Now().Add(-a.cfg.Retention)
	holds, err := a.Holds()
	if err != nil {
		return 0, err
	}
	cams, err := a.Cameras()
	if err != nil {
		return 0, err
	}
	deleted := 0
	for _, vc := range cams {
		recs, err := a.Segments(vc[0], vc[1], time.Unix(0, 0), cutoff)
		if err != nil {
			return deleted, err
		}
		for i := range recs {
			r := &recs[i]
			if !r.Manifest.End.Before(cutoff) || held(holds, r) {
				continue
			}
			if r.Path != "" {
				if err := os.Remove(filepath.Join(a.cfg.Dir, r.Path)); err != nil && !errors.Is(err, os.ErrNotExist) {
					return deleted, fmt.Errorf("archive: retention: %w", err)
				}
			}
			m := &r.Manifest
			if err := a.submit.Submit(ExpireSegment{Vehicle: m.Vehicle, Camera: m.Camera, Seq: m.Seq, Start: m.Start}); err != nil {
				return deleted, err
			}
			deleted++
		}
	}
	if deleted > 0 {
		a.log.Info("retention: expired segments deleted", "count", deleted, "cutoff", cutoff)
	}
	a.sweepPartials()
	return deleted, nil
}

// partialTTL is how long an abandoned partial upload is kept for a resume.
const partialTTL = 7 * 24 * time.Hour

// sweepPartials removes partial uploads nobody resumed for a week.
func (a *Archive) sweepPartials() {
	cutoff := a.cfg.Now().Add(-partialTTL)
	_ = filepath.WalkDir(filepath.Join(a.cfg.Dir, "incoming"), func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(cutoff) {
			a.log.Warn("abandoned partial upload removed", "path", p, "bytes", fi.Size())
			os.Remove(p)
		}
		return nil
	})
}

// Run runs retention every SweepInterval until ctx ends.
func (a *Archive) Run(ctx context.Context) {
	t := time.NewTicker(a.cfg.SweepInterval)
	defer t.Stop()
	for {
		if _, err := a.Sweep(); err != nil {
			a.log.Error("retention sweep", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// File opens an archived segment's file.
func (a *Archive) File(r *Record) string { return filepath.Join(a.cfg.Dir, r.Path) }
