package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/control"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/httpapi/apitest"
	"fieldwatch/hub/relay"
	"fieldwatch/internal/errkind"
	"fieldwatch/protocol"
)

// tree: unit "cc-a" and "cc-b" under "cuc".
type tree struct{}

func (tree) Within(unit, ancestor string) bool {
	return unit == ancestor || ancestor == "cuc" && (unit == "cc-a" || unit == "cc-b")
}

type fakeFleet struct {
	mu   sync.Mutex
	v    map[string]fleet.Vehicle
	puts int
}

func (f *fakeFleet) Get(id string) (fleet.Vehicle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.v[id]
	if !ok {
		return v, fmt.Errorf("%w: %q", fleet.ErrUnknownVehicle, id)
	}
	v.Cameras = append([]fleet.Camera(nil), v.Cameras...)
	return v, nil
}

func (f *fakeFleet) Camera(vehicle, camera string) (fleet.Vehicle, fleet.Camera, error) {
	v, err := f.Get(vehicle)
	if err != nil {
		return v, fleet.Camera{}, err
	}
	c, ok := v.Camera(camera)
	if !ok {
		return v, c, fmt.Errorf("%w: %s/%s", fleet.ErrUnknownCamera, vehicle, camera)
	}
	return v, c, nil
}

func (f *fakeFleet) List() ([]fleet.Vehicle, error) {
	var out []fleet.Vehicle
	for _, id := range []string{"xe-01", "xe-02"} {
		if v, err := f.Get(id); err == nil {
			out = append(out, v)
		}
	}
	return out, nil
}

func (f *fakeFleet) Put(v fleet.Vehicle) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.v[v.ID] = v
	f.puts++
	return nil
}

func (f *fakeFleet) UnitOf(id string) (string, error) {
	v, err := f.Get(id)
	return v.Unit, err
}

// fakeRelay answers with a fixed error, or with an answer and session id.
type fakeRelay struct {
	err      error
	sessions map[string]relay.Key
	stats    []relay.StreamStats
	deleted  []string
	patched  []string
	accounts []string // who each Subscribe was for
}

func (r *fakeRelay) Publish(_ context.Context, k relay.Key, offer string) (string, string, error) {
	if r.err != nil {
		return "", "", r.err
	}
	r.sessions["pub-1"] = k
	return "answer to " + offer, "pub-1", nil
}

func (r *fakeRelay) Subscribe(_ context.Context, k relay.Key, account, offer string) (string, string, error) {
	r.accounts = append(r.accounts, account)
	if r.err != nil {
		return "", "", r.err
	}
	r.sessions["view-1"] = k
	return "answer to " + offer, "view-1", nil
}

func (r *fakeRelay) SessionKey(id string) (relay.Key, bool) { k, ok := r.sessions[id]; return k, ok }

func (r *fakeRelay) Patch(_ context.Context, id, frag string) (string, error) {
	r.patched = append(r.patched, id)
	return "a=ice-ufrag:new", nil
}

func (r *fakeRelay) Delete(id string) error { r.deleted = append(r.deleted, id); return nil }

func (r *fakeRelay) Stats() []relay.StreamStats { return r.stats }

type fakeControl map[string]control.Status

func (c fakeControl) Status(v string) control.Status { return c[v] }

type tokens map[string]string

func (t tokens) Vehicle(token string) (string, error) {
	if v, ok := t[token]; ok {
		return v, nil
	}
	return "", errBadToken
}

// errBadToken stands for the account service's error of an unknown token.
var errBadToken = errkind.New(errkind.Unauthenticated, "bad_token", "unknown or revoked token")

type auditRec struct {
	mu      sync.Mutex
	actions []string
}

func (a *auditRec) Record(_ *http.Request, who audit.Actor, action, object, detail string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	name, _ := who.AuditName()
	a.actions = append(a.actions, name+" "+action+" "+object)
}

type fixture struct {
	api   *API
	srv   *apitest.Server
	fleet *fakeFleet
	relay *fakeRelay
	audit *auditRec
	links map[string]bool
}

func newFixture(t *testing.T, demo bool) *fixture {
	f := &fixture{
		fleet: &fakeFleet{v: map[string]fleet.Vehicle{
			"xe-01": {ID: "xe-01", Name: "Xe 01", Unit: "cc-a", Cameras: []fleet.Camera{{ID: "cam1", Name: "Trước"}}},
			"xe-02": {ID: "xe-02", Name: "Xe 02", Unit: "cc-b", Cameras: []fleet.Camera{{ID: "cam1", Name: "Trước"}}},
		}},
		relay: &fakeRelay{sessions: map[string]relay.Key{}},
		audit: &auditRec{},
		links: map[string]bool{"xe-01": true},
	}
	since := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	p := Params{
		Relay:          f.relay,
		Control:        fakeControl{"xe-01": {Online: true, Since: since, LastSeen: since, Telemetry: &protocol.Telemetry{}}},
		ControlChannel: http.NotFoundHandler(),
		Fleet:          f.fleet,
		Tokens:         tokens{"tok-01": "xe-01", "tok-02": "xe-02"},
		Scope:          access.Scope{Tree: tree{}, Vehicles: f.fleet},
		Audit:          f.audit,
		Logger:         slog.New(slog.DiscardHandler),
	}
	if demo {
		p.Demo = &DemoHooks{
			SetLink: func(v string, up bool) error {
				if _, err := f.fleet.Get(v); err != nil {
					return err
				}
				if v == "xe-02" {
					return errors.New("xe-02 is not simulated")
				}
				f.links[v] = up
				return nil
			},
			LinkUp: func(v string) (bool, bool) { up, ok := f.links[v]; return up, ok },
		}
	}
	f.api = NewAPI(p)
	f.srv = apitest.New(t, p.Scope, append(f.api.Routes(), f.api.DemoRoute()))
	users := []auth.User{
		{Username: "duty-a", Unit: "cc-a", Roles: []string{access.Duty}},
		{Username: "leader", Unit: "cuc", Roles: []string{access.Leader}},
		{Username: "lan.crew", Name: "Lan", Unit: "cc-a", Roles: []string{access.Crew}},
	}
	for _, u := range users {
		f.srv.User(u)
	}
	return f
}

// sdp sends an SDP body with a content type and an optional bearer token.
func (f *fixture) sdp(t *testing.T, user, token, method, path, ctype, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := f.srv.Serve(user, req)
	return rec
}

func code(t *testing.T, body []byte) string {
	t.Helper()
	var e httpapi.ErrorBody
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	return e.Error.Code
}

func TestWHIPChecksTheVehicleToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	for _, c := range []struct {
		name, token, path string
		status            int
		code              string
	}{
		{"no token", "", "/whip/xe-01/cam1", 401, "bad_token"},
		{"other vehicle's token", "tok-02", "/whip/xe-01/cam1", 403, "forbidden"},
		{"unknown camera", "tok-01", "/whip/xe-01/cam9", 404, "unknown_camera"},
	} {
		rec := f.sdp(t, "", c.token, "POST", c.path, ContentTypeSDP, "v=0")
		if rec.Code != c.status || code(t, rec.Body.Bytes()) != c.code {
			t.Errorf("%s: got %d %s, want %d %s", c.name, rec.Code, rec.Body, c.status, c.code)
		}
		if rec.Header().Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: no CORS header on an error", c.name)
		}
	}
	rec := f.sdp(t, "", "tok-01", "POST", "/whip/xe-01/cam1", ContentTypeSDP, "v=0")
	if rec.Code != 201 || rec.Header().Get("Location") != "/whip/xe-01/cam1/pub-1" || rec.Header().Get("ETag") != `"pub-1"` ||
		rec.Header().Get("Content-Type") != ContentTypeSDP || rec.Body.String() != "answer to v=0" {
		t.Fatalf("publish: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	// The session is the path's stream's only: another camera's path does not reach it.
	f.fleet.Put(fleet.Vehicle{ID: "xe-01", Name: "Xe 01", Unit: "cc-a", Cameras: []fleet.Camera{{ID: "cam1"}, {ID: "cam2"}}})
	if rec := f.sdp(t, "", "tok-01", "DELETE", "/whip/xe-01/cam2/pub-1", "", ""); rec.Code != 404 || code(t, rec.Body.Bytes()) != "no_session" {
		t.Fatalf("delete through another camera: %d %s", rec.Code, rec.Body)
	}
	if rec := f.sdp(t, "", "tok-01", "PATCH", "/whip/xe-01/cam1/pub-1", ContentTypeSDPFrag, "a=candidate:1"); rec.Code != 204 || len(f.relay.patched) != 0 {
		t.Fatalf("trickled candidates: %d %v", rec.Code, f.relay.patched)
	}
	if rec := f.sdp(t, "", "tok-01", "PATCH", "/whip/xe-01/cam1/pub-1", ContentTypeSDPFrag, "a=ice-ufrag:x"); rec.Code != 200 ||
		rec.Header().Get("Content-Type") != ContentTypeSDPFrag || rec.Body.String() != "a=ice-ufrag:new" {
		t.Fatalf("ICE restart: %d %s", rec.Code, rec.Body)
	}
	if rec := f.sdp(t, "", "tok-01", "DELETE", "/whip/xe-01/cam1/pub-1", "", ""); rec.Code != 200 || len(f.relay.deleted) != 1 {
		t.Fatalf("delete: %d %v", rec.Code, f.relay.deleted)
	}
}

// The relay's errors keep the status, code and message clients know.
func TestRelayErrorsKeepTheirStatusAndCode(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		err     error
		status  int
		code    string
		message string
	}{
		{relay.ErrNoStream, 404, "no_stream", "the camera is not streaming"},
		{relay.ErrNoSession, 404, "no_session", "no such session"},
		{relay.ErrBadOffer, 400, "bad_sdp", "relay: unusable SDP offer: no video"},
		{relay.ErrNoCodec, 406, "no_codec", "relay: no common codec: no video"},
		{relay.ErrTooManyViewers, 503, "too_many_viewers", "too many viewers on this camera"},
		{relay.ErrClosed, 503, "shutting_down", "the hub is shutting down"},
		{relay.ErrTooManyPending, 429, "too_many_pending", "too many live views of this account are still connecting; try again in a few seconds"},
	} {
		f := newFixture(t, false)
		f.relay.err = fmt.Errorf("%w: no video", c.err)
		if c.err == relay.ErrNoStream || c.err == relay.ErrNoSession || c.err == relay.ErrTooManyViewers || c.err == relay.ErrClosed || c.err == relay.ErrTooManyPending {
			// A fixed client message whatever the detail.
			f.relay.err = fmt.Errorf("%w: detail", c.err)
		}
		rec := f.sdp(t, "duty-a", "", "POST", "/whep/xe-01/cam1", ContentTypeSDP, "v=0")
		var e httpapi.ErrorBody
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		if rec.Code != c.status || e.Error.Code != c.code || e.Error.Message != c.message {
			t.Errorf("%v: got %d %+v, want %d %s %q", c.err, rec.Code, e.Error, c.status, c.code, c.message)
		}
	}
}

func TestWHEPIsAuditedAndScoped(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	if rec := f.sdp(t, "duty-a", "", "POST", "/whep/xe-02/cam1", ContentTypeSDP, "v=0"); rec.Code != 403 {
		t.Fatalf("other unit's camera: %d %s", rec.Code, rec.Body)
	}
	if rec := f.sdp(t, "duty-a", "", "POST", "/whep/xe-01/cam7", ContentTypeSDP, "v=0"); rec.Code != 404 || code(t, rec.Body.Bytes()) != "unknown_camera" {
		t.Fatalf("unknown camera: %d %s", rec.Code, rec.Body)
	}
	if rec := f.sdp(t, "duty-a", "", "POST", "/whep/xe-01/cam1", "text/plain", "v=0"); rec.Code != 415 {
		t.Fatalf("wrong content type: %d %s", rec.Code, rec.Body)
	}
	rec := f.sdp(t, "duty-a", "", "POST", "/whep/xe-01/cam1", ContentTypeSDP, "v=0")
	if rec.Code != 201 || rec.Header().Get("Location") != "/whep/xe-01/cam1/view-1" {
		t.Fatalf("watch: %d %s", rec.Code, rec.Body)
	}
	if len(f.relay.accounts) != 1 || f.relay.accounts[0] != "duty-a" {
		t.Fatalf("the relay was not told whose viewer it is: %v", f.relay.accounts)
	}
	if len(f.audit.actions) != 1 || f.audit.actions[0] != "duty-a live.view xe-01/cam1" {
		t.Fatalf("audit %v", f.audit.actions)
	}
	if rec := f.sdp(t, "duty-a", "", "DELETE", "/whep/xe-01/cam1/nope", "", ""); rec.Code != 404 || code(t, rec.Body.Bytes()) != "no_session" {
		t.Fatalf("unknown session: %d %s", rec.Code, rec.Body)
	}
	if rec := f.sdp(t, "duty-a", "", "DELETE", "/whep/xe-01/cam1/view-1", "", ""); rec.Code != 200 {
		t.Fatalf("end: %d %s", rec.Code, rec.Body)
	}
	if rec := f.sdp(t, "", "", "OPTIONS", "/whep/xe-01/cam1", "", ""); rec.Code != 204 || rec.Header().Get("Accept-Post") != ContentTypeSDP ||
		!strings.Contains(rec.Header().Get("Access-Control-Expose-Headers"), "Location") {
		t.Fatalf("preflight: %d %v", rec.Code, rec.Header())
	}
}

func TestPhoneBecomesACameraOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	for range 2 {
		rec := f.sdp(t, "lan.crew", "", "POST", "/whip/xe-01/phone", ContentTypeSDP, "v=0")
		if rec.Code != 201 || rec.Header().Get("Location") != "/whip/xe-01/phone/pub-1" {
			t.Fatalf("publish: %d %s", rec.Code, rec.Body)
		}
	}
	v, _ := f.fleet.Get("xe-01")
	if f.fleet.puts != 1 || len(v.Cameras) != 2 || v.Cameras[1] != (fleet.Camera{ID: "phone-lan-crew", Name: "Điện thoại · Lan"}) {
		t.Fatalf("registered %d times: %+v", f.fleet.puts, v.Cameras)
	}
	if len(f.audit.actions) != 2 || f.audit.actions[0] != "lan.crew live.publish xe-01/phone-lan-crew" {
		t.Fatalf("audit %v", f.audit.actions)
	}
	if rec := f.sdp(t, "lan.crew", "", "DELETE", "/whip/xe-01/phone/pub-1", "", ""); rec.Code != 200 {
		t.Fatalf("end: %d %s", rec.Code, rec.Body)
	}
	if rec := f.sdp(t, "lan.crew", "", "POST", "/whip/xe-02/phone", ContentTypeSDP, "v=0"); rec.Code != 403 {
		t.Fatalf("other unit's vehicle: %d %s", rec.Code, rec.Body)
	}
	if got := PhoneCamera(auth.User{Username: "Nguyễn Văn A"}); got != "phone-nguy-n-v-n-a" {
		t.Fatalf("phone camera id %q", got)
	}
}

func TestVehiclesAndStreamsOfTheUsersScope(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	f.relay.stats = []relay.StreamStats{
		{Vehicle: "xe-01", Camera: "cam1", Live: true, Publishing: true, BitrateKbps: 1500, FPS: 25, Viewers: 2},
		{Vehicle: "xe-02", Camera: "cam1", Live: true},
	}
	var vs []VehicleView
	f.srv.JSON("duty-a", "GET", "/api/v1/vehicles", nil, 200, &vs)
	if len(vs) != 1 || vs[0].ID != "xe-01" || !vs[0].Online || vs[0].Since == nil || vs[0].Sim == nil || !vs[0].Sim.LinkUp ||
		!vs[0].Cameras[0].Live || vs[0].Cameras[0].Stats.Viewers != 2 {
		t.Fatalf("vehicles %+v", vs)
	}
	f.srv.JSON("leader", "GET", "/api/v1/vehicles", nil, 200, &vs)
	if len(vs) != 2 || vs[1].Online || vs[1].Since != nil || vs[1].Sim != nil {
		t.Fatalf("leader's vehicles %+v", vs)
	}
	var one map[string]any
	f.srv.JSON("duty-a", "GET", "/api/v1/vehicles/xe-01", nil, 200, &one)
	for _, k := range []string{"id", "name", "unit", "online", "since", "last_seen", "cameras", "telemetry", "sim"} {
		if _, ok := one[k]; !ok {
			t.Errorf("vehicle lacks %q: %v", k, one)
		}
	}
	if status, _ := f.srv.Do("duty-a", "GET", "/api/v1/vehicles/xe-02", nil); status != 403 {
		t.Fatalf("other unit's vehicle: %d", status)
	}
	var ss []StreamView
	f.srv.JSON("duty-a", "GET", "/api/v1/streams", nil, 200, &ss)
	if len(ss) != 1 || ss[0].Vehicle != "xe-01" || ss[0].BitrateKbps != 1500 {
		t.Fatalf("streams %+v", ss)
	}
}

func TestSimLink(t *testing.T) {
	t.Parallel()
	up, down := true, false
	if status, body := newFixture(t, false).srv.Do("duty-a", "POST", "/api/v1/sim/link", SimLinkRequest{Vehicle: "xe-01", Up: &down}); status != 404 || code(t, body) != "not_found" {
		t.Fatalf("outside demo: %d %s", status, body)
	}
	f := newFixture(t, true)
	for _, c := range []struct {
		req    SimLinkRequest
		status int
		code   string
	}{
		{SimLinkRequest{Vehicle: "xe-01"}, 400, "bad_request"},
		{SimLinkRequest{Vehicle: "xe-09", Up: &up}, 404, "unknown_camera"},
		{SimLinkRequest{Vehicle: "xe-02", Up: &up}, 403, "forbidden"},
	} {
		if status, body := f.srv.Do("duty-a", "POST", "/api/v1/sim/link", c.req); status != c.status || code(t, body) != c.code {
			t.Errorf("%+v: %d %s, want %d %s", c.req, status, body, c.status, c.code)
		}
	}
	if status, body := f.srv.Do("leader", "POST", "/api/v1/sim/link", SimLinkRequest{Vehicle: "xe-02", Up: &up}); status != 400 || code(t, body) != "bad_request" {
		t.Fatalf("hook's refusal: %d %s", status, body)
	}
	var got SimLinkResponse
	f.srv.JSON("duty-a", "POST", "/api/v1/sim/link", SimLinkRequest{Vehicle: "xe-01", Up: &down}, 200, &got)
	if got != (SimLinkResponse{Vehicle: "xe-01", Up: false}) || f.links["xe-01"] {
		t.Fatalf("link: %+v %v", got, f.links)
	}
}

// The vehicles list has the contract's fields; a vehicle with no control
// channel is offline.
func TestVehiclesAPIShape(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	var vs []map[string]any
	f.srv.JSON("leader", "GET", "/api/v1/vehicles", nil, 200, &vs)
	if len(vs) != 2 {
		t.Fatalf("want 2 vehicles, got %v", vs)
	}
	for _, key := range []string{"id", "name", "unit", "online", "cameras", "telemetry", "since", "last_seen"} {
		if _, ok := vs[1][key]; !ok {
			t.Errorf("vehicle lacks %q: %v", key, vs[1])
		}
	}
	cam := vs[1]["cameras"].([]any)[0].(map[string]any)
	for _, key := range []string{"id", "name", "live"} {
		if _, ok := cam[key]; !ok {
			t.Errorf("camera lacks %q: %v", key, cam)
		}
	}
	if vs[1]["online"] != false || vs[1]["since"] != nil || vs[1]["telemetry"] != nil {
		t.Errorf("vehicle with no control channel should be offline: %v", vs[1])
	}
	if _, ok := vs[1]["sim"]; ok {
		t.Errorf("sim outside demo mode: %v", vs[1])
	}
}
