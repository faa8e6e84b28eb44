package server

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/archive"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/dutylog"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/incidents"
	"fieldwatch/hub/messaging"
	"fieldwatch/hub/missions"
	"fieldwatch/hub/photos"
	"fieldwatch/hub/relay"
	"fieldwatch/hub/reports"
	"fieldwatch/hub/units"
	"fieldwatch/internal/errkind"
)

// Errors of the HTTP layer.
var (
	errForbidden     = errkind.New(errkind.Forbidden, "forbidden", "not allowed for this account")
	errBadRequest    = httpapi.ErrBadRequest
	errTooLarge      = httpapi.ErrTooLarge
	errNotFound      = httpapi.ErrNotFound
	errUnsupported   = httpapi.ErrUnsupported
	errDemoOnly      = errkind.New(errkind.NotFound, "not_found", "only in demo mode")
	errConflict      = errkind.New(errkind.Conflict, "conflict", "conflict")
	errUnprocessable = errkind.New(errkind.Rejected, "rejected", "unprocessable")
)

// timeFormat is how times are written in JSON built by hand.
const timeFormat = time.RFC3339

// apiError is what a client sees: a stable code and a readable message.
type apiError struct {
	status  int
	code    string
	message string
}

// classify maps an error to its HTTP status and code, in one place.
func classify(err error) apiError {
	if errkind.Classified(err) {
		p := httpapi.Classify(err)
		return apiError{p.Status, p.Code, p.Message}
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe), errors.Is(err, errTooLarge):
		return apiError{http.StatusRequestEntityTooLarge, "too_large", "request body too large"}
	case errors.Is(err, auth.ErrBadCredentials):
		return apiError{http.StatusUnauthorized, "bad_credentials", "wrong username or password"}
	case errors.Is(err, auth.ErrLocked):
		return apiError{http.StatusTooManyRequests, "locked", "too many failed logins, try again later"}
	case errors.Is(err, auth.ErrDisabled):
		return apiError{http.StatusForbidden, "disabled", "account locked by an administrator"}
	case errors.Is(err, auth.ErrExpired):
		return apiError{http.StatusForbidden, "initial_password_expired", "the initial password was not changed within 30 days: the account is locked, ask an administrator"}
	case errors.Is(err, auth.ErrMustChange):
		return apiError{http.StatusForbidden, "password_change_required", "change your password first"}
	case errors.Is(err, auth.ErrRetired):
		return apiError{http.StatusConflict, "retired", "the account is retired"}
	case errors.Is(err, auth.ErrWeakPassword):
		return apiError{http.StatusBadRequest, "weak_password", err.Error()}
	case errors.Is(err, auth.ErrUnknownUser):
		return apiError{http.StatusNotFound, "unknown_user", err.Error()}
	case errors.Is(err, auth.ErrBadUser), errors.Is(err, units.ErrInvalid), errors.Is(err, units.ErrUnknown):
		return apiError{http.StatusBadRequest, "invalid", err.Error()}
	case errors.Is(err, errUnprocessable):
		return apiError{http.StatusUnprocessableEntity, "rejected", err.Error()}
	case errors.Is(err, units.ErrInUse), errors.Is(err, errConflict):
		return apiError{http.StatusConflict, "conflict", err.Error()}
	case errors.Is(err, messaging.ErrInvalid):
		return apiError{http.StatusBadRequest, "invalid", err.Error()}
	case errors.Is(err, messaging.ErrUnknown):
		return apiError{http.StatusNotFound, "not_found", err.Error()}
	case errors.Is(err, reports.ErrInvalid):
		return apiError{http.StatusBadRequest, "invalid", err.Error()}
	case errors.Is(err, reports.ErrUnknown), errors.Is(err, photos.ErrUnknown):
		return apiError{http.StatusNotFound, "not_found", err.Error()}
	case errors.Is(err, reports.ErrDecided), errors.Is(err, reports.ErrFinished):
		return apiError{http.StatusConflict, "conflict", err.Error()}
	case errors.Is(err, reports.ErrNotYet):
		return apiError{http.StatusConflict, "not_approved", "the action is not approved by a leader yet"}
	case errors.Is(err, photos.ErrType):
		return apiError{http.StatusUnsupportedMediaType, "unsupported_media_type", err.Error()}
	case errors.Is(err, photos.ErrTooBig):
		return apiError{http.StatusRequestEntityTooLarge, "too_large", err.Error()}
	case errors.Is(err, incidents.ErrInvalid):
		return apiError{http.StatusBadRequest, "invalid", err.Error()}
	case errors.Is(err, incidents.ErrUnknown):
		return apiError{http.StatusNotFound, "not_found", err.Error()}
	case errors.Is(err, incidents.ErrClosed):
		return apiError{http.StatusConflict, "conflict", err.Error()}
	case errors.Is(err, dutylog.ErrInvalid):
		return apiError{http.StatusBadRequest, "invalid", err.Error()}
	case errors.Is(err, dutylog.ErrUnknown):
		return apiError{http.StatusNotFound, "not_found", err.Error()}
	case errors.Is(err, dutylog.ErrHandover):
		return apiError{http.StatusConflict, "conflict", err.Error()}
	case errors.Is(err, missions.ErrInvalid):
		return apiError{http.StatusBadRequest, "invalid", err.Error()}
	case errors.Is(err, missions.ErrUnknown):
		return apiError{http.StatusNotFound, "not_found", err.Error()}
	case errors.Is(err, missions.ErrState):
		return apiError{http.StatusConflict, "conflict", err.Error()}
	case errors.Is(err, access.ErrDenied):
		return apiError{http.StatusForbidden, "forbidden", err.Error()}
	case errors.Is(err, auth.ErrNoSession):
		return apiError{http.StatusUnauthorized, "unauthenticated", "not logged in or session expired"}
	case errors.Is(err, auth.ErrBadToken):
		return apiError{http.StatusUnauthorized, "bad_token", "unknown or revoked token"}
	case errors.Is(err, errForbidden):
		return apiError{http.StatusForbidden, "forbidden", err.Error()}
	case errors.Is(err, fleet.ErrUnknownVehicle), errors.Is(err, fleet.ErrUnknownCamera):
		return apiError{http.StatusNotFound, "unknown_camera", err.Error()}
	case errors.Is(err, relay.ErrNoStream):
		return apiError{http.StatusNotFound, "no_stream", "the camera is not streaming"}
	case errors.Is(err, relay.ErrNoSession):
		return apiError{http.StatusNotFound, "no_session", "no such session"}
	case errors.Is(err, relay.ErrBadOffer):
		return apiError{http.StatusBadRequest, "bad_sdp", err.Error()}
	case errors.Is(err, relay.ErrNoCodec):
		return apiError{http.StatusNotAcceptable, "no_codec", err.Error()}
	case errors.Is(err, relay.ErrTooManyViewers):
		return apiError{http.StatusServiceUnavailable, "too_many_viewers", "too many viewers on this camera"}
	case errors.Is(err, errUnsupported):
		return apiError{http.StatusUnsupportedMediaType, "unsupported_media_type", err.Error()}
	case errors.Is(err, errBadRequest):
		return apiError{http.StatusBadRequest, "bad_request", err.Error()}
	case errors.Is(err, errNotFound), errors.Is(err, errDemoOnly):
		return apiError{http.StatusNotFound, "not_found", err.Error()}
	case errors.Is(err, archive.ErrOffset):
		return apiError{http.StatusConflict, "offset_mismatch", err.Error()}
	case errors.Is(err, archive.ErrInterrupted):
		return apiError{http.StatusRequestTimeout, "interrupted", err.Error()}
	case errors.Is(err, archive.ErrNoKey):
		return apiError{http.StatusPreconditionFailed, "no_key", "register the vehicle's signing key first"}
	case errors.Is(err, archive.ErrKeyConflict):
		return apiError{http.StatusConflict, "key_conflict", err.Error()}
	case errors.Is(err, archive.ErrRejected), errors.Is(err, archive.ErrConflict), errors.Is(err, archive.ErrTooLarge):
		return apiError{http.StatusUnprocessableEntity, "rejected", err.Error()}
	case errors.Is(err, archive.ErrHubStorage):
		return apiError{http.StatusInsufficientStorage, "hub_storage", "the hub could not store the segment; try again later"}
	case errors.Is(err, archive.ErrBadHold):
		return apiError{http.StatusBadRequest, "bad_hold", err.Error()}
	case errors.Is(err, archive.ErrNoHold):
		return apiError{http.StatusNotFound, "not_found", err.Error()}
	case errors.Is(err, archive.ErrUnknownRange):
		return apiError{http.StatusNotFound, "no_recording", err.Error()}
	case errors.Is(err, relay.ErrClosed):
		return apiError{http.StatusServiceUnavailable, "shutting_down", "the hub is shutting down"}
	}
	return apiError{http.StatusInternalServerError, "internal", "internal error"}
}

// writeError answers with the client's message and logs the detail.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	e := classify(err)
	lvl := slog.LevelInfo
	if e.status >= 500 {
		lvl = slog.LevelError
	}
	log.Log(r.Context(), lvl, "request failed", "method", r.Method, "path", r.URL.Path, "status", e.status, "err", err)
	body := map[string]string{"code": e.code, "message": e.message}
	var d httpapi.Detailer
	if errors.As(err, &d) {
		for k, v := range d.ErrorDetails() {
			body[k] = v
		}
	}
	writeJSON(w, e.status, map[string]any{"error": body})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
