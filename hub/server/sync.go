package server

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"

	"fieldwatch/hub/archive"
	"fieldwatch/hub/photos"
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

// syncVehicle authenticates a vehicle for its own path.
func (h *Hub) syncVehicle(r *http.Request) (string, error) {
	id, err := h.auth.Vehicle(bearer(r))
	if err != nil {
		return "", err
	}
	if v := r.PathValue("vehicle"); v != "" && v != id {
		return "", fmt.Errorf("%w: token of vehicle %s used for %s", errForbidden, id, v)
	}
	return id, nil
}

// manifestFrom decodes and checks the manifest header against the path.
func manifestFrom(r *http.Request) (*evidence.Manifest, error) {
	raw := r.Header.Get(headerManifest)
	if raw == "" || len(raw) > maxManifest {
		return nil, fmt.Errorf("%w: %s header missing or too long", errBadRequest, headerManifest)
	}
	data, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not base64", errBadRequest, headerManifest)
	}
	m, err := evidence.DecodeManifest(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadRequest, err)
	}
	seq, _ := strconv.ParseUint(r.PathValue("seq"), 10, 64)
	if m.Vehicle != r.PathValue("vehicle") || m.Camera != r.PathValue("camera") || m.Seq != seq {
		return nil, fmt.Errorf("%w: manifest is for %s/%s/%d, not this path", errBadRequest, m.Vehicle, m.Camera, m.Seq)
	}
	return m, nil
}

func writeUploadStatus(w http.ResponseWriter, status int, st archive.UploadStatus) {
	w.Header().Set(headerOffset, strconv.FormatInt(st.Offset, 10))
	if st.Complete {
		w.Header().Set(headerComplete, "?1")
	} else {
		w.Header().Set(headerComplete, "?0")
	}
	writeJSON(w, status, st)
}

type keyRequest struct {
	PublicKey string `json:"public_key"`
}

func (h *Hub) handleSyncKey(w http.ResponseWriter, r *http.Request) {
	id, err := h.syncVehicle(r)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	var req keyRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if err := h.archive.RegisterKey(id, req.PublicKey); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"vehicle": id, "fingerprint": evidence.Fingerprint(req.PublicKey)})
}

func (h *Hub) handleSyncHead(w http.ResponseWriter, r *http.Request) {
	if _, err := h.syncVehicle(r); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	m, err := manifestFrom(r)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	st, err := h.archive.Status(m)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeUploadStatus(w, http.StatusOK, st)
}

func (h *Hub) handleSyncPatch(w http.ResponseWriter, r *http.Request) {
	if _, err := h.syncVehicle(r); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	m, err := manifestFrom(r)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/octet-stream" {
		writeError(w, r, h.log, fmt.Errorf("%w: want application/octet-stream, got %q", errUnsupported, ct))
		return
	}
	off, err := strconv.ParseInt(r.Header.Get(headerOffset), 10, 64)
	if err != nil || off < 0 || off > m.Size {
		writeError(w, r, h.log, fmt.Errorf("%w: bad %s", errBadRequest, headerOffset))
		return
	}
	body := http.MaxBytesReader(w, r.Body, m.Size-off+1)
	st, err := h.archive.Upload(m, off, body)
	switch {
	case err == nil:
		writeUploadStatus(w, http.StatusOK, st)
	case isOffsetErr(err):
		writeUploadStatus(w, http.StatusConflict, st)
	default:
		if st.Offset > 0 {
			w.Header().Set(headerOffset, strconv.FormatInt(st.Offset, 10))
		}
		writeError(w, r, h.log, err)
	}
}

func (h *Hub) handleSyncLost(w http.ResponseWriter, r *http.Request) {
	if _, err := h.syncVehicle(r); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	m, err := manifestFrom(r)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if err := h.archive.Lost(m); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleSyncPhoto: PUT /api/v1/sync/{vehicle}/photos/{id}, a vehicle
// forwards a photo its crew attached to a report on the vehicle's LAN.
// The id is the photo's SHA-256; sending it again is a no-op.
func (h *Hub) handleSyncPhoto(w http.ResponseWriter, r *http.Request) {
	id, err := h.syncVehicle(r)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	v, err := h.fleet.Get(id)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	p, err := h.photos.Put(http.MaxBytesReader(w, r.Body, photos.MaxSize+1), "vehicle:"+id, v.Unit)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if p.ID != r.PathValue("id") {
		writeError(w, r, h.log, fmt.Errorf("%w: photo %s arrived with SHA-256 %s", errUnprocessable, r.PathValue("id"), p.ID))
		return
	}
	writeJSON(w, http.StatusCreated, p)
}
