package archive

import (
	"io"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
)

// Cameras says whether a vehicle has a camera (the vehicle register's
// error when it has not).
type Cameras interface {
	CheckCamera(vehicle, camera string) error
}

// VehicleTokens authenticates a vehicle by its device token.
type VehicleTokens interface {
	Vehicle(token string) (string, error)
}

// VehicleStates tells what a vehicle reports now, to explain a gap at the
// end of a timeline.
type VehicleStates interface {
	VehicleState(vehicle string) VehicleState
}

// PhotoSink stores a photo a vehicle forwarded for its crew; it returns
// the photo's id (its SHA-256) and what the vehicle is answered (JSON).
type PhotoSink interface {
	ForwardPhoto(body io.Reader, vehicle, unit string) (id string, view any, err error)
}

// Auditor records what a user did.
type Auditor interface {
	Record(r *http.Request, who audit.Actor, action, object, detail string)
}

// APIParams are what the archive's HTTP handlers need.
type APIParams struct {
	Archive *Archive
	// Scope answers which vehicles a user sees; its Vehicles give a vehicle's unit.
	Scope   access.Scope
	Cameras Cameras
	Tokens  VehicleTokens
	States  VehicleStates
	Photos  PhotoSink
	// PhotoMaxSize bounds a forwarded photo; PhotoSchema is a value of the
	// type the photo sink answers with (for the API description).
	PhotoMaxSize int64
	PhotoSchema  any
	Audit        Auditor
	Now          func() time.Time
	Log          *slog.Logger
}

// API serves the evidence archive and the vehicles' sync.
type API struct {
	p APIParams
}

// NewAPI builds the archive's handlers.
func NewAPI(p APIParams) *API {
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Log == nil {
		p.Log = slog.Default()
	}
	return &API{p: p}
}

// Routes are the archive's and the vehicles' sync routes.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewVehicle("PUT", "/api/v1/sync/key", "Vehicle: register its segment-signing public key (first use; a different key is refused)", a.syncKey).
			WithBody(KeyRequest{}, KeyResponse{}),
		httpapi.NewVehicle("HEAD", "/api/v1/sync/{vehicle}/{camera}/{seq}", "Vehicle: how many bytes of a segment the hub holds (Upload-Offset, Upload-Complete)", a.syncHead).NoContent(),
		httpapi.NewVehicle("PATCH", "/api/v1/sync/{vehicle}/{camera}/{seq}", "Vehicle: append a segment's bytes from Upload-Offset; verified and archived when whole", a.syncPatch).
			WithBody(nil, UploadStatus{}).Accepts("application/octet-stream").ReadFor(uploadReadTimeout),
		httpapi.NewVehicle("PUT", "/api/v1/sync/{vehicle}/photos/{id}", "Vehicle: forward a photo its crew attached to a report (the body; the id is its SHA-256)", a.syncPhoto).
			WithBody(nil, a.p.PhotoSchema).Accepts("image/*").ReadFor(uploadReadTimeout),
		httpapi.NewVehicle("POST", "/api/v1/sync/{vehicle}/{camera}/{seq}/lost", "Vehicle: report a segment overwritten before sync (its signed manifest)", a.syncLost).NoBody().NoContent(),
		httpapi.NewUser("GET", "/api/v1/archive/{vehicle}/{camera}/timeline", access.ArchiveView, "vehicle", "Archive: covered ranges and explained gaps in [from, to)", a.timeline).
			WithBody(nil, Timeline{}),
		httpapi.NewUser("GET", "/api/v1/archive/{vehicle}/{camera}/play", access.ArchiveView, "vehicle", "Archive: one fragmented MP4 of [start, start+duration) for a <video> (X-Fieldwatch-Pieces maps it to wall-clock time)", a.play).
			Returns("video/mp4"),
		httpapi.NewUser("GET", "/api/v1/archive/{vehicle}/{camera}/export", access.ArchiveExport, "vehicle", "Archive: evidence bundle (zip: clip, signed segments, manifest; check with fieldwatch verify)", a.export).
			Returns("application/zip"),
		httpapi.NewUser("GET", "/api/v1/archive/{vehicle}/{camera}/segments", access.ArchiveView, "vehicle", "Archive: segment records (manifests) in [start, start+duration)", a.segments).
			WithBody(nil, []Record{}),
		httpapi.NewUser("GET", "/api/v1/archive/holds", access.ArchiveView, "", "Archive: legal holds on vehicles one sees", a.holds).
			WithBody(nil, []Hold{}),
		httpapi.NewUser("POST", "/api/v1/archive/holds", access.HoldPlace, "", "Archive: place a legal hold on a range (leader, duty)", a.addHold).
			WithBody(HoldRequest{}, Hold{}),
		httpapi.NewUser("DELETE", "/api/v1/archive/holds/{id}", access.HoldLift, "", "Archive: lift a legal hold (leader)", a.removeHold).NoContent(),
		httpapi.NewUser("GET", "/api/v1/archive/transfers", access.TransfersView, "", "Archive: per-vehicle transfer statistics of a day (Decision 3035, Appendix I)", a.transfers).
			WithBody(nil, []TransferView{}),
	}
}

// maxWindow bounds a timeline query; maxPlay bounds one playback or export.
const (
	maxWindow = 31 * 24 * time.Hour
	maxPlay   = 6 * time.Hour
)

// camera checks the path's camera (the guard has checked the user's role and scope).
func (a *API) camera(r *http.Request) (string, string, error) {
	v, c := r.PathValue("vehicle"), r.PathValue("camera")
	return v, c, a.p.Cameras.CheckCamera(v, c)
}

// uploadReadTimeout bounds one sync upload request: a segment over a slow
// cellular link may take minutes; an upload cut by it resumes from the
// hub's offset.
const uploadReadTimeout = 10 * time.Minute

// rangeQuery reads start and duration (seconds).
func rangeQuery(r *http.Request) (time.Time, time.Duration, error) {
	start, err := httpapi.ParseTime(r.URL.Query().Get("start"), "start")
	if err != nil {
		return start, 0, err
	}
	secs, err := strconv.ParseFloat(r.URL.Query().Get("duration"), 64)
	// Compared as seconds: NaN, ±Inf and huge values would overflow a
	// Duration into a negative one.
	if err != nil || math.IsNaN(secs) || secs <= 0 || secs > maxPlay.Seconds() {
		return start, 0, httpapi.BadRequest("duration must be seconds, more than 0 and at most %s", maxPlay)
	}
	return start, time.Duration(secs * float64(time.Second)), nil
}

func (a *API) timeline(w http.ResponseWriter, r *http.Request) error {
	v, c, err := a.camera(r)
	if err != nil {
		return err
	}
	from, err := httpapi.ParseTime(r.URL.Query().Get("from"), "from")
	if err != nil {
		return err
	}
	to, err := httpapi.ParseTime(r.URL.Query().Get("to"), "to")
	if err != nil {
		return err
	}
	if !to.After(from) || to.Sub(from) > maxWindow {
		return httpapi.BadRequest("to must be after from, at most %s later", maxWindow)
	}
	tl, err := a.p.Archive.Timeline(v, c, from, to, a.p.States.VehicleState(v))
	if err != nil {
		return err
	}
	return httpapi.OK(w, tl)
}

func (a *API) segments(w http.ResponseWriter, r *http.Request) error {
	v, c, err := a.camera(r)
	if err != nil {
		return err
	}
	start, dur, err := rangeQuery(r)
	if err != nil {
		return err
	}
	recs, err := a.p.Archive.Segments(v, c, start, start.Add(dur))
	if err != nil {
		return err
	}
	return httpapi.OK(w, recs)
}

// HoldRequest places a legal hold.
type HoldRequest struct {
	Vehicle string    `json:"vehicle"`
	Camera  string    `json:"camera"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Reason  string    `json:"reason"`
}

func (a *API) holds(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	all, err := a.p.Archive.Holds()
	if err != nil {
		return err
	}
	holds := []Hold{}
	for _, hd := range all {
		if a.p.Scope.SeesVehicle(u.Subject(), hd.Vehicle) {
			holds = append(holds, hd)
		}
	}
	return httpapi.OK(w, holds)
}

func (a *API) addHold(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	var req HoldRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := a.p.Scope.AllowVehicle(u.Subject(), access.HoldPlace, req.Vehicle); err != nil {
		return err
	}
	if err := a.p.Cameras.CheckCamera(req.Vehicle, req.Camera); err != nil {
		return err
	}
	hold, err := a.p.Archive.AddHold(Hold{Vehicle: req.Vehicle, Camera: req.Camera, Start: req.Start, End: req.End,
		Reason: strings.TrimSpace(req.Reason), CreatedBy: u.Username})
	if err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "archive.hold", req.Vehicle+"/"+req.Camera, spanText(req.Start, req.End)+" "+hold.Reason)
	return httpapi.Created(w, hold)
}

func (a *API) removeHold(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	held, err := a.p.Archive.Hold(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := a.p.Scope.AllowVehicle(u.Subject(), access.HoldLift, held.Vehicle); err != nil {
		return err
	}
	hold, err := a.p.Archive.RemoveHold(held.ID, u.Username)
	if err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "archive.unhold", hold.Vehicle+"/"+hold.Camera, spanText(hold.Start, hold.End)+" "+hold.Reason)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func spanText(a, b time.Time) string {
	return a.Format(time.RFC3339) + " – " + b.Format(time.RFC3339)
}

// TransferView is a vehicle's transfer statistics of a day, with its unit.
type TransferView struct {
	DayStats
	Unit string `json:"unit"`
}

func (a *API) transfers(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	day := r.URL.Query().Get("day")
	if day == "" {
		day = a.p.Now().In(Zone).Format("2006-01-02")
	}
	days, err := a.p.Archive.Transfers(day, nil)
	if err != nil {
		return httpapi.BadRequest("%v", err)
	}
	out := make([]TransferView, 0, len(days))
	for _, d := range days {
		if !a.p.Scope.SeesVehicle(u.Subject(), d.Vehicle) {
			continue
		}
		tv := TransferView{DayStats: d}
		if unit, err := a.p.Scope.Vehicles.UnitOf(d.Vehicle); err == nil {
			tv.Unit = unit
		}
		if tv.Files == nil {
			tv.Files = []FileStat{}
		}
		out = append(out, tv)
	}
	return httpapi.OK(w, out)
}
