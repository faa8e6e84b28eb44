package archive

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"fieldwatch/hub/httpapi"
	"fieldwatch/internal/errkind"
	"fieldwatch/protocol/evidence"
)

// Sync protocol headers (vehicle/syncer uses the same names).
const (
	headerManifest = "Fieldwatch-Manifest"
	headerOffset   = "Upload-Offset"
	headerComplete = "Upload-Complete"
)

// maxManifest bounds the manifest header (base64).
const maxManifest = 8 << 10

// Errors of the sync routes.
var (
	errOtherVehicle  = errkind.New(errkind.Forbidden, "forbidden", "not allowed for this account")
	errPhotoMismatch = errkind.New(errkind.Rejected, "rejected", "unprocessable")
)

// vehicle authenticates a vehicle for its own path.
func (a *API) vehicle(r *http.Request) (string, error) {
	id, err := a.p.Tokens.Vehicle(httpapi.Bearer(r))
	if err != nil {
		return "", err
	}
	if v := r.PathValue("vehicle"); v != "" && v != id {
		return "", fmt.Errorf("%w: token of vehicle %s used for %s", errOtherVehicle, id, v)
	}
	return id, nil
}

// manifestFrom decodes and checks the manifest header against the path.
func manifestFrom(r *http.Request) (*evidence.Manifest, error) {
	raw := r.Header.Get(headerManifest)
	if raw == "" || len(raw) > maxManifest {
		return nil, httpapi.BadRequest("%s header missing or too long", headerManifest)
	}
	data, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, httpapi.BadRequest("%s is not base64", headerManifest)
	}
	m, err := evidence.DecodeManifest(data)
	if err != nil {
		return nil, httpapi.BadRequest("%v", err)
	}
	seq, _ := strconv.ParseUint(r.PathValue("seq"), 10, 64)
	if m.Vehicle != r.PathValue("vehicle") || m.Camera != r.PathValue("camera") || m.Seq != seq {
		return nil, httpapi.BadRequest("manifest is for %s/%s/%d, not this path", m.Vehicle, m.Camera, m.Seq)
	}
	return m, nil
}

// vehicleManifest authenticates the vehicle and reads its manifest.
func (a *API) vehicleManifest(r *http.Request) (*evidence.Manifest, error) {
	if _, err := a.vehicle(r); err != nil {
		return nil, err
	}
	return manifestFrom(r)
}

func writeUploadStatus(w http.ResponseWriter, status int, st UploadStatus) {
	w.Header().Set(headerOffset, strconv.FormatInt(st.Offset, 10))
	if st.Complete {
		w.Header().Set(headerComplete, "?1")
	} else {
		w.Header().Set(headerComplete, "?0")
	}
	httpapi.WriteJSON(w, status, st)
}

// KeyRequest registers a vehicle's signing key.
type KeyRequest struct {
	PublicKey string `json:"public_key"`
}

// KeyResponse is the registered key's fingerprint.
type KeyResponse struct {
	Vehicle     string `json:"vehicle"`
	Fingerprint string `json:"fingerprint"`
}

func (a *API) syncKey(w http.ResponseWriter, r *http.Request) error {
	id, err := a.vehicle(r)
	if err != nil {
		return err
	}
	var req KeyRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := a.p.Archive.RegisterKey(id, req.PublicKey); err != nil {
		return err
	}
	return httpapi.OK(w, KeyResponse{Vehicle: id, Fingerprint: evidence.Fingerprint(req.PublicKey)})
}

func (a *API) syncHead(w http.ResponseWriter, r *http.Request) error {
	m, err := a.vehicleManifest(r)
	if err != nil {
		return err
	}
	st, err := a.p.Archive.Status(m)
	if err != nil {
		return err
	}
	writeUploadStatus(w, http.StatusOK, st)
	return nil
}

func (a *API) syncPatch(w http.ResponseWriter, r *http.Request) error {
	m, err := a.vehicleManifest(r)
	if err != nil {
		return err
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/octet-stream" {
		return fmt.Errorf("%w: want application/octet-stream, got %q", httpapi.ErrUnsupported, ct)
	}
	off, err := strconv.ParseInt(r.Header.Get(headerOffset), 10, 64)
	if err != nil || off < 0 || off > m.Size {
		return httpapi.BadRequest("bad %s", headerOffset)
	}
	body := http.MaxBytesReader(w, r.Body, m.Size-off+1)
	st, err := a.p.Archive.Upload(m, off, body)
	switch {
	case err == nil:
		writeUploadStatus(w, http.StatusOK, st)
	case errors.Is(err, ErrOffset):
		// The vehicle resumes from the offset the hub holds.
		writeUploadStatus(w, http.StatusConflict, st)
	default:
		if st.Offset > 0 {
			w.Header().Set(headerOffset, strconv.FormatInt(st.Offset, 10))
		}
		return err
	}
	return nil
}

func (a *API) syncLost(w http.ResponseWriter, r *http.Request) error {
	m, err := a.vehicleManifest(r)
	if err != nil {
		return err
	}
	if err := a.p.Archive.Lost(m); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// syncPhoto: a vehicle forwards a photo its crew attached to a report on
// the vehicle's LAN. The id is the photo's SHA-256; sending it again is a
// no-op.
func (a *API) syncPhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := a.vehicle(r)
	if err != nil {
		return err
	}
	unit, err := a.p.Scope.Vehicles.UnitOf(id)
	if err != nil {
		return err
	}
	got, view, err := a.p.Photos.ForwardPhoto(http.MaxBytesReader(w, r.Body, a.p.PhotoMaxSize+1), id, unit)
	if err != nil {
		return err
	}
	if got != r.PathValue("id") {
		return fmt.Errorf("%w: photo %s arrived with SHA-256 %s", errPhotoMismatch, r.PathValue("id"), got)
	}
	return httpapi.Created(w, view)
}
