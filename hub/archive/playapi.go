package archive

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"fieldwatch/hub/auth"
	"fieldwatch/internal/bundle"
	"fieldwatch/internal/clipmux"
)

// pieceView is a covered range on the played clip's timeline (seconds from its start).
type pieceView struct {
	Media float64   `json:"media"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// sources are the archived segments of [start, start+dur), as files.
func (a *Archive) sources(v, c string, start time.Time, dur time.Duration) ([]clipmux.Source, error) {
	recs, err := a.Segments(v, c, start, start.Add(dur))
	if err != nil {
		return nil, err
	}
	out := make([]clipmux.Source, 0, len(recs))
	for i := range recs {
		s := clipmux.Source{Manifest: recs[i].Manifest}
		if !recs[i].Lost {
			s.Path = a.File(&recs[i])
		}
		out = append(out, s)
	}
	return out, nil
}

// window reads the path's camera and the query's range.
func (a *API) window(r *http.Request) (v, c string, start time.Time, dur time.Duration, err error) {
	if v, c, err = a.camera(r); err != nil {
		return
	}
	start, dur, err = rangeQuery(r)
	return
}

// clip plans the clip of a camera's [start, start+dur).
func (a *API) clip(v, c string, start time.Time, dur time.Duration) ([]clipmux.Source, *clipmux.Plan, error) {
	srcs, err := a.p.Archive.sources(v, c, start, dur)
	if err != nil {
		return nil, nil, err
	}
	plan, err := clipmux.NewPlan(srcs, start, dur)
	if err != nil {
		return nil, nil, mapClip(err)
	}
	return srcs, plan, nil
}

func (a *API) play(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	v, c, start, dur, err := a.window(r)
	if err != nil {
		return err
	}
	_, plan, err := a.clip(v, c, start, dur)
	if err != nil {
		return err
	}
	pieces := []pieceView{}
	for _, p := range plan.Pieces() {
		pieces = append(pieces, pieceView{Media: p.Media.Seconds(), Start: p.Start, End: p.End})
	}
	pj, _ := json.Marshal(pieces)
	w.Header().Set("Content-Type", "video/mp4")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Fieldwatch-Pieces", string(pj))
	if r.Method == http.MethodHead {
		return nil // the console asks where the pieces fall before it plays; the view itself is audited
	}
	a.p.Audit.Record(r, u, "archive.play", v+"/"+c, spanText(start, start.Add(dur)))
	if _, err := plan.Write(w); err != nil {
		a.p.Log.Info("playback ended early", "vehicle", v, "camera", c, "err", err)
	}
	return nil
}

func (a *API) export(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	v, c, start, dur, err := a.window(r)
	if err != nil {
		return err
	}
	key, err := a.p.Archive.Key(v)
	if err != nil {
		return err
	}
	srcs, _, err := a.clip(v, c, start, dur)
	if err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "archive.export", v+"/"+c, spanText(start, start.Add(dur)))
	name := fmt.Sprintf("fieldwatch-%s-%s-%s.zip", v, c, start.In(Zone).Format("20060102T150405"))
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	err = bundle.Write(w, bundle.Input{Vehicle: v, Camera: c, Start: start, Duration: dur, PublicKey: key,
		ExportedBy: u.Username, ExportedAt: a.p.Now(), Sources: srcs})
	if err != nil {
		a.p.Log.Error("export failed mid-stream", "vehicle", v, "camera", c, "err", err)
	}
	return nil
}

func mapClip(err error) error {
	if errors.Is(err, clipmux.ErrNothing) {
		return fmt.Errorf("%w: %v", ErrUnknownRange, err)
	}
	return err
}
