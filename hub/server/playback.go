package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"fieldwatch/hub/archive"
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
func (h *Hub) sources(v, c string, start time.Time, dur time.Duration) ([]clipmux.Source, error) {
	recs, err := h.archive.Segments(v, c, start, start.Add(dur))
	if err != nil {
		return nil, err
	}
	out := make([]clipmux.Source, 0, len(recs))
	for i := range recs {
		s := clipmux.Source{Manifest: recs[i].Manifest}
		if !recs[i].Lost {
			s.Path = h.archive.File(&recs[i])
		}
		out = append(out, s)
	}
	return out, nil
}

func (h *Hub) handlePlay(w http.ResponseWriter, r *http.Request, u auth.User) {
	v, c, err := h.archiveCamera(r, u)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	start, dur, err := rangeQuery(r)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	srcs, err := h.sources(v, c, start, dur)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	plan, err := clipmux.NewPlan(srcs, start, dur)
	if err != nil {
		writeError(w, r, h.log, mapClip(err))
		return
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
		return // the console asks where the pieces fall before it plays; the view itself is audited
	}
	h.audit(r, u, "archive.play", v+"/"+c, spanText(start, start.Add(dur)))
	if _, err := plan.Write(w); err != nil {
		h.log.Info("playback ended early", "vehicle", v, "camera", c, "err", err)
	}
}

func (h *Hub) handleExport(w http.ResponseWriter, r *http.Request, u auth.User) {
	v, c, err := h.archiveCamera(r, u)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	start, dur, err := rangeQuery(r)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	key, err := h.archive.Key(v)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	srcs, err := h.sources(v, c, start, dur)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if _, err := clipmux.NewPlan(srcs, start, dur); err != nil {
		writeError(w, r, h.log, mapClip(err))
		return
	}
	h.audit(r, u, "archive.export", v+"/"+c, spanText(start, start.Add(dur)))
	name := fmt.Sprintf("fieldwatch-%s-%s-%s.zip", v, c, start.In(archive.Zone).Format("20060102T150405"))
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	err = bundle.Write(w, bundle.Input{Vehicle: v, Camera: c, Start: start, Duration: dur, PublicKey: key,
		ExportedBy: u.Username, ExportedAt: time.Now(), Sources: srcs})
	if err != nil {
		h.log.Error("export failed mid-stream", "vehicle", v, "camera", c, "err", err)
	}
}

func mapClip(err error) error {
	if errors.Is(err, clipmux.ErrNothing) {
		return fmt.Errorf("%w: %v", archive.ErrUnknownRange, err)
	}
	return err
}
