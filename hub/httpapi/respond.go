package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"fieldwatch/internal/errkind"
)

// Body limits.
const (
	MaxJSON = 16 << 10 // a JSON request body
	MaxSDP  = 64 << 10 // an SDP offer or answer
)

// Errors of the HTTP layer itself.
var (
	ErrBadRequest  = errkind.New(errkind.Invalid, "bad_request", "bad request")
	ErrUnsupported = errkind.New(errkind.Unsupported, "", "unsupported media type")
	ErrTooLarge    = errkind.WithPublic(errkind.TooLarge, "too_large", "request body too large", "request body too large")
	ErrNotFound    = errkind.New(errkind.NotFound, "", "not found")
)

// statuses maps each error kind to its HTTP status.
var statuses = map[errkind.Kind]int{
	errkind.Internal:        http.StatusInternalServerError,
	errkind.Invalid:         http.StatusBadRequest,
	errkind.Unauthenticated: http.StatusUnauthorized,
	errkind.Forbidden:       http.StatusForbidden,
	errkind.NotFound:        http.StatusNotFound,
	errkind.Conflict:        http.StatusConflict,
	errkind.TooLarge:        http.StatusRequestEntityTooLarge,
	errkind.Unsupported:     http.StatusUnsupportedMediaType,
	errkind.Rejected:        http.StatusUnprocessableEntity,
	errkind.Throttled:       http.StatusTooManyRequests,
	errkind.Unavailable:     http.StatusServiceUnavailable,
	errkind.Precondition:    http.StatusPreconditionFailed,
	errkind.NotAcceptable:   http.StatusNotAcceptable,
	errkind.Interrupted:     http.StatusRequestTimeout,
	errkind.StorageFull:     http.StatusInsufficientStorage,
}

// Problem is what a client is told of an error.
type Problem struct {
	Status  int
	Code    string
	Message string
	// Details are extra stable fields (e.g. why a password was refused).
	Details map[string]string
}

// Detailer is an error that adds stable fields to its JSON error body.
type Detailer interface{ ErrorDetails() map[string]string }

// Classify maps an error to what the client sees, by its kind.
func Classify(err error) Problem {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = ErrTooLarge
	}
	kind, code, msg := errkind.Of(err)
	p := Problem{Status: statuses[kind], Code: code, Message: msg}
	if p.Status == 0 {
		p.Status = http.StatusInternalServerError
	}
	var d Detailer
	if errors.As(err, &d) {
		p.Details = d.ErrorDetails()
	}
	return p
}

// ErrorBody is the JSON body of every error answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the error inside ErrorBody.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Reason  string `json:"reason,omitempty"`
}

// WriteError answers with the client's message and logs the detail.
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	p := Classify(err)
	lvl := slog.LevelInfo
	if p.Status >= 500 && !ClientGone(r, err) {
		lvl = slog.LevelError
	}
	if log != nil {
		log.Log(r.Context(), lvl, "request failed", "method", r.Method, "path", r.URL.Path, "status", p.Status, "err", err)
	}
	WriteJSON(w, p.Status, ErrorBody{Error: ErrorDetail{Code: p.Code, Message: p.Message, Reason: p.Details["reason"]}})
}

// ClientGone reports whether err only says the client hung up (its
// request's context ended): not a fault of the server.
func ClientGone(r *http.Request, err error) bool {
	return r.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}

// WriteJSON answers with v as JSON, never cached.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// OK answers 200 with v as JSON; it returns nil so a handler can end with
// `return httpapi.OK(w, v)`.
func OK(w http.ResponseWriter, v any) error {
	WriteJSON(w, http.StatusOK, v)
	return nil
}

// Created answers 201 with v as JSON.
func Created(w http.ResponseWriter, v any) error {
	WriteJSON(w, http.StatusCreated, v)
	return nil
}

// DecodeJSON reads a bounded, strict JSON body into v: the body must say
// it is application/json (a cross-site form or a no-CORS fetch cannot),
// and unknown fields and trailing data are errors.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("%w: want application/json, got %q", ErrUnsupported, ct)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: trailing data after the JSON object", ErrBadRequest)
	}
	return nil
}

// ReadSDP reads a bounded SDP body of the given content type.
func ReadSDP(w http.ResponseWriter, r *http.Request, contentType string) (string, error) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, contentType) {
		return "", fmt.Errorf("%w: want %s, got %q", ErrUnsupported, contentType, ct)
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxSDP))
	if err != nil {
		return "", err
	}
	return string(data), nil
}

// ErrCrossSite: a state-changing request that a page of another origin
// made a logged-in browser send.
var ErrCrossSite = errkind.New(errkind.Forbidden, "cross_site", "request from another site refused")

// SameOrigin refuses a state-changing request (anything but GET, HEAD and
// OPTIONS) that a browser says came from another origin: Sec-Fetch-Site
// other than same-origin or none, or an Origin that is not this host. A
// request without either (a program, not a browser) passes; it
// authenticates with a bearer token, which no other site can attach.
func SameOrigin(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "", "same-origin", "none":
	default:
		return fmt.Errorf("%w: Sec-Fetch-Site %s", ErrCrossSite, site)
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || u.Host != r.Host {
			return fmt.Errorf("%w: Origin %s for host %s", ErrCrossSite, origin, r.Host)
		}
	}
	return nil
}

// ParseTime reads an RFC 3339 query value named name; a bad one is a 400.
func ParseTime(value, name string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, value)
	if err != nil {
		return t, BadRequest("%s must be an RFC 3339 time", name)
	}
	return t, nil
}

// BadRequest returns an Invalid error with a formatted message.
func BadRequest(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadRequest, fmt.Sprintf(format, args...))
}

// Bearer returns the token of an Authorization: Bearer header.
func Bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// ClientIP is the address the request came from, without its port.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
