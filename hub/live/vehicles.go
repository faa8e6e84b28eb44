package live

import (
	"net/http"
	"time"

	"fieldwatch/hub/auth"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/relay"
	"fieldwatch/protocol"
)

// CameraView is a camera in the vehicles API.
type CameraView struct {
	ID    string      `json:"id"`
	Name  string      `json:"name"`
	Live  bool        `json:"live"`
	Stats *CameraStat `json:"stats,omitempty"`
}

// CameraStat is a live camera's relay statistics.
type CameraStat struct {
	BitrateKbps float64 `json:"bitrate_kbps"`
	FPS         float64 `json:"fps"`
	Viewers     int     `json:"viewers"`
	LossPct     float64 `json:"loss_pct"`
	LatencyMs   float64 `json:"latency_ms"`
}

// VehicleView is a vehicle in the vehicles API.
type VehicleView struct {
	ID        string              `json:"id"`
	Name      string              `json:"name"`
	Unit      string              `json:"unit"`
	Online    bool                `json:"online"`
	Since     *time.Time          `json:"since"`
	LastSeen  *time.Time          `json:"last_seen"`
	Cameras   []CameraView        `json:"cameras"`
	Telemetry *protocol.Telemetry `json:"telemetry"`
	Sim       *SimView            `json:"sim,omitempty"`
}

// SimView is a simulated vehicle's link (demo mode).
type SimView struct {
	LinkUp bool `json:"link_up"`
}

// StreamView is a stream in the streams API.
type StreamView struct {
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

// streamStats indexes the relay's statistics by stream.
func (a *API) streamStats() map[relay.Key]relay.StreamStats {
	stats := map[relay.Key]relay.StreamStats{}
	for _, s := range a.relay.Stats() {
		stats[relay.Key{Vehicle: s.Vehicle, Camera: s.Camera}] = s
	}
	return stats
}

func (a *API) vehicleView(v fleet.Vehicle, stats map[relay.Key]relay.StreamStats) VehicleView {
	st := a.control.Status(v.ID)
	vv := VehicleView{ID: v.ID, Name: v.Name, Unit: v.Unit, Online: st.Online, Telemetry: st.Telemetry, Cameras: []CameraView{}}
	if !st.Since.IsZero() {
		vv.Since = &st.Since
	}
	if !st.LastSeen.IsZero() {
		vv.LastSeen = &st.LastSeen
	}
	for _, c := range v.Cameras {
		cv := CameraView{ID: c.ID, Name: c.Name}
		if s, ok := stats[relay.Key{Vehicle: v.ID, Camera: c.ID}]; ok {
			cv.Live = s.Live
			cv.Stats = &CameraStat{BitrateKbps: s.BitrateKbps, FPS: s.FPS, Viewers: s.Viewers, LossPct: s.LossPct, LatencyMs: s.LatencyMs}
		}
		vv.Cameras = append(vv.Cameras, cv)
	}
	if a.demo != nil && a.demo.LinkUp != nil {
		if up, known := a.demo.LinkUp(v.ID); known {
			vv.Sim = &SimView{LinkUp: up}
		}
	}
	return vv
}

// vehicles: the vehicles the user sees.
func (a *API) vehicles(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	if u.Username == "" {
		return auth.ErrNoSession
	}
	all, err := a.fleet.List()
	if err != nil {
		return err
	}
	stats := a.streamStats()
	out := make([]VehicleView, 0, len(all))
	for _, v := range all {
		if a.scope.Sees(u.Subject(), v.Unit) {
			out = append(out, a.vehicleView(v, stats))
		}
	}
	return httpapi.OK(w, out)
}

// vehicle: one vehicle (the guard checked the user sees it).
func (a *API) vehicle(w http.ResponseWriter, r *http.Request) error {
	v, err := a.fleet.Get(r.PathValue("vehicle"))
	if err != nil {
		return err
	}
	return httpapi.OK(w, a.vehicleView(v, a.streamStats()))
}

// streams: the relay's streams of the vehicles the user sees.
func (a *API) streams(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	if u.Username == "" {
		return auth.ErrNoSession
	}
	all := a.relay.Stats()
	out := make([]StreamView, 0, len(all))
	for _, s := range all {
		if !a.scope.SeesVehicle(u.Subject(), s.Vehicle) {
			continue
		}
		out = append(out, StreamView{
			Vehicle: s.Vehicle, Camera: s.Camera, Live: s.Live, Publishing: s.Publishing, Viewers: s.Viewers,
			BitrateKbps: s.BitrateKbps, FPS: s.FPS, LossPct: s.LossPct, LatencyMs: s.LatencyMs,
			PacketsReceived: s.PacketsReceived, PacketsLost: s.PacketsLost, ViewerDrops: s.ViewerDrops,
			KeyframeRequests: s.KeyframeRequests, VideoCodec: s.VideoCodec,
		})
	}
	return httpapi.OK(w, out)
}
