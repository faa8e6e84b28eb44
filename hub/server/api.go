package server

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/relay"
	"fieldwatch/protocol"
)

// cameraView is a camera in the vehicles API.
type cameraView struct {
	ID    string      `json:"id"`
	Name  string      `json:"name"`
	Live  bool        `json:"live"`
	Stats *cameraStat `json:"stats,omitempty"`
}

type cameraStat struct {
	BitrateKbps float64 `json:"bitrate_kbps"`
	FPS         float64 `json:"fps"`
	Viewers     int     `json:"viewers"`
	LossPct     float64 `json:"loss_pct"`
	LatencyMs   float64 `json:"latency_ms"`
}

// vehicleView is a vehicle in the vehicles API (DESIGN.md contract).
type vehicleView struct {
	ID        string              `json:"id"`
	Name      string              `json:"name"`
	Unit      string              `json:"unit"`
	Online    bool                `json:"online"`
	Since     *time.Time          `json:"since"`
	LastSeen  *time.Time          `json:"last_seen"`
	Cameras   []cameraView        `json:"cameras"`
	Telemetry *protocol.Telemetry `json:"telemetry"`
	Sim       *simView            `json:"sim,omitempty"`
}

type simView struct {
	LinkUp bool `json:"link_up"`
}

// vehicleViews lists the vehicles u sees.
func (h *Hub) vehicleViews(u auth.User) ([]vehicleView, error) {
	all, err := h.fleet.List()
	if err != nil {
		return nil, err
	}
	var vehicles []fleet.Vehicle
	for _, v := range all {
		if access.Sees(h.units, u.Subject(), v.Unit) {
			vehicles = append(vehicles, v)
		}
	}
	stats := map[relay.Key]relay.StreamStats{}
	for _, s := range h.relay.Stats() {
		stats[relay.Key{Vehicle: s.Vehicle, Camera: s.Camera}] = s
	}
	out := make([]vehicleView, 0, len(vehicles))
	for _, v := range vehicles {
		out = append(out, h.vehicleView(v, stats))
	}
	return out, nil
}

func (h *Hub) vehicleView(v fleet.Vehicle, stats map[relay.Key]relay.StreamStats) vehicleView {
	st := h.control.Status(v.ID)
	vv := vehicleView{ID: v.ID, Name: v.Name, Unit: v.Unit, Online: st.Online, Telemetry: st.Telemetry, Cameras: []cameraView{}}
	if !st.Since.IsZero() {
		vv.Since = &st.Since
	}
	if !st.LastSeen.IsZero() {
		vv.LastSeen = &st.LastSeen
	}
	for _, c := range v.Cameras {
		cv := cameraView{ID: c.ID, Name: c.Name}
		if s, ok := stats[relay.Key{Vehicle: v.ID, Camera: c.ID}]; ok {
			cv.Live = s.Live
			cv.Stats = &cameraStat{BitrateKbps: s.BitrateKbps, FPS: s.FPS, Viewers: s.Viewers, LossPct: s.LossPct, LatencyMs: s.LatencyMs}
		}
		vv.Cameras = append(vv.Cameras, cv)
	}
	if h.demo != nil && h.demo.LinkUp != nil {
		if up, known := h.demo.LinkUp(v.ID); known {
			vv.Sim = &simView{LinkUp: up}
		}
	}
	return vv
}

func (h *Hub) handleVehicles(w http.ResponseWriter, r *http.Request, u auth.User) {
	views, err := h.vehicleViews(u)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, views)
}

func (h *Hub) handleVehicle(w http.ResponseWriter, r *http.Request, u auth.User) {
	v, err := h.fleet.Get(r.PathValue("vehicle"))
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	stats := map[relay.Key]relay.StreamStats{}
	for _, s := range h.relay.Stats() {
		stats[relay.Key{Vehicle: s.Vehicle, Camera: s.Camera}] = s
	}
	writeJSON(w, http.StatusOK, h.vehicleView(v, stats))
}

// streamView is a stream in the streams API.
type streamView struct {
	Vehicle          string  `json:"vehicle"`
	Camera           string  `json:"camera"`
	Live             bool    `json:"live"`
	Publishing       bool    `json:"publishing"`
	Viewers          int     `json:"viewers"`
	BitrateKbps      float64 `json:"bitrate_kbps"`
	FPS              float64 `json:"fps"`
	LossPct          float64 `json:"loss_pct"`
	LatencyMs        float64 `json:"latency_ms"`
	PacketsReceived  uint64  `json:"packets_received"`
	PacketsLost      uint64  `json:"packets_lost"`
	ViewerDrops      uint64  `json:"viewer_drops"`
	KeyframeRequests uint64  `json:"keyframe_requests"`
	VideoCodec       string  `json:"video_codec"`
}

func (h *Hub) handleStreams(w http.ResponseWriter, r *http.Request, u auth.User) {
	all := h.relay.Stats()
	out := make([]streamView, 0, len(all))
	for _, s := range all {
		if !h.sees(u, s.Vehicle) {
			continue
		}
		out = append(out, streamView{
			Vehicle: s.Vehicle, Camera: s.Camera, Live: s.Live, Publishing: s.Publishing, Viewers: s.Viewers,
			BitrateKbps: s.BitrateKbps, FPS: s.FPS, LossPct: s.LossPct, LatencyMs: s.LatencyMs,
			PacketsReceived: s.PacketsReceived, PacketsLost: s.PacketsLost, ViewerDrops: s.ViewerDrops,
			KeyframeRequests: s.KeyframeRequests, VideoCodec: s.VideoCodec,
		})
	}
	writeJSON(w, http.StatusOK, out)
}

type simLinkRequest struct {
	Vehicle string `json:"vehicle"`
	Up      *bool  `json:"up"`
}

func (h *Hub) handleSimLink(w http.ResponseWriter, r *http.Request, u auth.User) {
	if h.demo == nil || h.demo.SetLink == nil {
		writeError(w, r, h.log, errDemoOnly)
		return
	}
	var req simLinkRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if req.Up == nil {
		writeError(w, r, h.log, fmt.Errorf("%w: \"up\" is required", errBadRequest))
		return
	}
	if !h.allowVehicle(w, r, u, access.SimLink, req.Vehicle) {
		return
	}
	if err := h.demo.SetLink(req.Vehicle, *req.Up); err != nil {
		if errors.Is(err, fleet.ErrUnknownVehicle) {
			writeError(w, r, h.log, err)
			return
		}
		writeError(w, r, h.log, fmt.Errorf("%w: %v", errBadRequest, err))
		return
	}
	h.log.Info("demo link", "vehicle", req.Vehicle, "up", *req.Up, "by", u.Username)
	writeJSON(w, http.StatusOK, map[string]any{"vehicle": req.Vehicle, "up": *req.Up})
}
