package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fieldwatch/internal/errkind"
)

type detailed struct{ error }

func (detailed) ErrorDetails() map[string]string { return map[string]string{"reason": "too_short"} }
func (d detailed) Unwrap() error                 { return d.error }

func TestErrorsAreAnsweredByKind(t *testing.T) {
	unknown := errkind.New(errkind.NotFound, "no_stream", "relay: no stream")
	fixed := errkind.WithPublic(errkind.StorageFull, "hub_storage", "archive: disk full at /x", "try again later")
	for _, c := range []struct {
		err    error
		status int
		code   string
		msg    string
	}{
		{fmt.Errorf("%w: xe-01/cam1", unknown), 404, "no_stream", "relay: no stream: xe-01/cam1"},
		{fmt.Errorf("store: %w", fixed), 507, "hub_storage", "try again later"},
		{errors.New("boom: secret path"), 500, "internal", "internal error"},
		{errors.Join(errors.New("other"), BadRequest("field %q", "x")), 400, "bad_request", "other\nbad request: field \"x\""},
		{&http.MaxBytesError{Limit: 10}, 413, "too_large", "request body too large"},
		{errkind.Errorf(errkind.Conflict, "already %s", "closed"), 409, "conflict", "already closed"},
		{detailed{errkind.New(errkind.Invalid, "weak_password", "weak")}, 400, "weak_password", "weak"},
	} {
		rec := httptest.NewRecorder()
		WriteError(rec, httptest.NewRequest("GET", "/x", nil), nil, c.err)
		var body ErrorBody
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if rec.Code != c.status || body.Error.Code != c.code || body.Error.Message != c.msg {
			t.Errorf("%v: got %d %+v, want %d %s %q", c.err, rec.Code, body.Error, c.status, c.code, c.msg)
		}
		if strings.Contains(rec.Body.String(), "secret") {
			t.Errorf("an internal error's detail reached the client: %s", rec.Body.String())
		}
	}
	rec := httptest.NewRecorder()
	WriteError(rec, httptest.NewRequest("GET", "/x", nil), nil, detailed{errkind.New(errkind.Invalid, "weak_password", "weak")})
	if !strings.Contains(rec.Body.String(), `"reason":"too_short"`) {
		t.Errorf("details lost: %s", rec.Body.String())
	}
}

func TestDecodeJSONIsStrict(t *testing.T) {
	var v struct {
		A int `json:"a"`
	}
	for body, kind := range map[string]errkind.Kind{
		`{"a":1,"b":2}`:                       errkind.Invalid,
		`{"a":1} {"a":2}`:                     errkind.Invalid,
		`{"a":"x"}`:                           errkind.Invalid,
		strings.Repeat(" ", MaxJSON+1) + "{}": errkind.Internal, // a MaxBytesError, answered 413 by Classify
	} {
		r := httptest.NewRequest("POST", "/x", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		err := DecodeJSON(httptest.NewRecorder(), r, &v)
		if err == nil {
			t.Errorf("%.20q: accepted", body)
			continue
		}
		if k, _, _ := errkind.Of(err); k != kind {
			t.Errorf("%.20q: kind %v, want %v", body, k, kind)
		}
	}
	// A body that does not say it is JSON is what a cross-site form or a
	// no-CORS fetch sends: refused, also with no Content-Type at all.
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", ""} {
		r := httptest.NewRequest("POST", "/x", strings.NewReader(`{"a":1}`))
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		if err := DecodeJSON(httptest.NewRecorder(), r, &v); Classify(err).Status != http.StatusUnsupportedMediaType {
			t.Errorf("%q: %v", ct, err)
		}
	}
}

func TestSameOriginRefusesCrossSiteWrites(t *testing.T) {
	for _, c := range []struct {
		method, site, origin string
		ok                   bool
	}{
		{"POST", "same-origin", "http://hub.example:8080", true},
		{"POST", "", "", true},                             // a program with a bearer token
		{"POST", "none", "", true},                         // typed in the address bar
		{"GET", "cross-site", "http://evil.example", true}, // reads are not state changes
		{"POST", "same-site", "http://hub.example:9999", false},
		{"DELETE", "cross-site", "", false},
		{"PUT", "", "http://hub.example:9999", false},
		{"PATCH", "", "null", false},
	} {
		r := httptest.NewRequest(c.method, "http://hub.example:8080/api/v1/x", nil)
		if c.site != "" {
			r.Header.Set("Sec-Fetch-Site", c.site)
		}
		if c.origin != "" {
			r.Header.Set("Origin", c.origin)
		}
		err := SameOrigin(r)
		if (err == nil) != c.ok {
			t.Errorf("%+v: %v", c, err)
		}
		if err != nil && Classify(err).Code != "cross_site" {
			t.Errorf("%+v: code %s", c, Classify(err).Code)
		}
	}
}

// A client that hangs up mid-request is no server fault: not an ERROR.
func TestClientGoneIsNotAnError(t *testing.T) {
	var levels []slog.Level
	log := slog.New(levelRecorder{&levels})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequest("POST", "/whep/xe-01/cam1", nil).WithContext(ctx)
	WriteError(httptest.NewRecorder(), r, log, fmt.Errorf("relay: gather: %w", context.Canceled))
	WriteError(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil), log, errors.New("disk on fire"))
	if len(levels) != 2 || levels[0] != slog.LevelInfo || levels[1] != slog.LevelError {
		t.Fatalf("levels %v, want [INFO ERROR]", levels)
	}
}

type levelRecorder struct{ levels *[]slog.Level }

func (l levelRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l levelRecorder) Handle(_ context.Context, r slog.Record) error {
	*l.levels = append(*l.levels, r.Level)
	return nil
}
func (l levelRecorder) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l levelRecorder) WithGroup(string) slog.Handler      { return l }
