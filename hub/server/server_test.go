package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"fieldwatch/hub/auth"
	"fieldwatch/hub/live"
)

const (
	tokenXe01 = "token-of-xe-01-0123456789"
	tokenXe02 = "token-of-xe-02-0123456789"
	password  = "mat-khau-demo-1"
)

// newTestHub starts a hub with two vehicles and a duty officer.
func newTestHub(t *testing.T) (*Hub, *httptest.Server) {
	t.Helper()
	return newTestHubWith(t, nil)
}

// newTestHubWith lets a test change the options (demo hooks) first.
func newTestHubWith(t *testing.T, mod func(*Options)) (*Hub, *httptest.Server) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir = t.TempDir()
	cfg.WebRTC.LoopbackOnly = true
	cfg.Units.Tree = []UnitConfig{
		{ID: "tong-cuc", Name: "Tổng cục"},
		{ID: "cuc", Name: "Cục", Parent: "tong-cuc"},
		{ID: "cc-a", Name: "Chi cục A", Parent: "cuc"},
		{ID: "doi-a", Name: "Đội A", Parent: "cc-a"},
		{ID: "cc-b", Name: "Chi cục B", Parent: "cuc"},
	}
	cfg.Vehicles = []VehicleConfig{
		{ID: "xe-01", Name: "Xe 01", Unit: "cc-a", Token: tokenXe01, Cameras: []CameraConfig{{ID: "cam1", Name: "Trước"}}},
		{ID: "xe-02", Name: "Xe 02", Unit: "cc-b", Token: tokenXe02, Cameras: []CameraConfig{{ID: "cam1", Name: "Trước"}}},
	}
	opts := Options{Config: cfg}
	if mod != nil {
		mod(&opts)
	}
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	h.auth = auth.New(h.db, auth.Params{BcryptCost: bcrypt.MinCost})
	remount(h)
	if err := h.auth.PutUser(auth.User{Username: "trucban", Name: "Trực ban", Unit: "cuc", Roles: []string{auth.RoleDuty}}, password); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.Handler())
	t.Cleanup(func() {
		srv.Close()
		h.Close()
	})
	return h, srv
}

func login(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	resp, err := http.Post(srv.URL+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"username":"trucban","password":"`+password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&out) != nil || out.Token == "" {
		t.Fatalf("login: %s", resp.Status)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == auth.SessionCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie missing or not HttpOnly+SameSite=Strict: %+v", cookie)
	}
	return out.Token
}

func do(t *testing.T, method, url, token, ctype, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestBadInputGetsClearErrors(t *testing.T) {
	_, srv := newTestHub(t)
	user := login(t, srv)
	garbage := "this is not SDP"
	huge := "v=0\r\n" + strings.Repeat("a=x:"+strings.Repeat("y", 100)+"\r\n", 1000)
	for _, c := range []struct {
		name, method, path, token, ctype, body string
		status                                 int
		code                                   string
	}{
		{"whip no token", "POST", "/whip/xe-01/cam1", "", live.ContentTypeSDP, garbage, 401, "bad_token"},
		{"whip wrong token", "POST", "/whip/xe-01/cam1", "forged-token-0123456789", live.ContentTypeSDP, garbage, 401, "bad_token"},
		{"whip user token", "POST", "/whip/xe-01/cam1", user, live.ContentTypeSDP, garbage, 401, "bad_token"},
		{"whip other vehicle's token", "POST", "/whip/xe-01/cam1", tokenXe02, live.ContentTypeSDP, garbage, 403, "forbidden"},
		{"whip unknown vehicle", "POST", "/whip/xe-99/cam1", tokenXe01, live.ContentTypeSDP, garbage, 403, "forbidden"},
		{"whip unknown camera", "POST", "/whip/xe-01/cam9", tokenXe01, live.ContentTypeSDP, garbage, 404, "unknown_camera"},
		{"whip malformed sdp", "POST", "/whip/xe-01/cam1", tokenXe01, live.ContentTypeSDP, garbage, 400, "bad_sdp"},
		{"whip sdp without media", "POST", "/whip/xe-01/cam1", tokenXe01, live.ContentTypeSDP, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n", 400, "bad_sdp"},
		{"whip wrong content type", "POST", "/whip/xe-01/cam1", tokenXe01, "text/plain", garbage, 415, "unsupported_media_type"},
		{"whip oversized", "POST", "/whip/xe-01/cam1", tokenXe01, live.ContentTypeSDP, huge, 413, "too_large"},
		{"whep no login", "POST", "/whep/xe-01/cam1", "", live.ContentTypeSDP, garbage, 401, "unauthenticated"},
		{"whep vehicle token", "POST", "/whep/xe-01/cam1", tokenXe01, live.ContentTypeSDP, garbage, 401, "unauthenticated"},
		{"whep unknown camera", "POST", "/whep/xe-01/cam7", user, live.ContentTypeSDP, garbage, 404, "unknown_camera"},
		{"whep missing stream", "POST", "/whep/xe-02/cam1", user, live.ContentTypeSDP, validViewerOffer, 404, "no_stream"},
		{"whep oversized", "POST", "/whep/xe-01/cam1", user, live.ContentTypeSDP, huge, 413, "too_large"},
		{"whep delete unknown session", "DELETE", "/whep/xe-01/cam1/nope", user, "", "", 404, "no_session"},
		{"whip patch unknown session", "PATCH", "/whip/xe-01/cam1/nope", tokenXe01, live.ContentTypeSDPFrag, "a=ice-ufrag:x", 404, "no_session"},
		{"login bad json", "POST", "/api/v1/auth/login", "", "application/json", "{", 400, "bad_request"},
		{"login unknown field", "POST", "/api/v1/auth/login", "", "application/json", `{"username":"a","password":"b","x":1}`, 400, "bad_request"},
		{"login wrong password", "POST", "/api/v1/auth/login", "", "application/json", `{"username":"trucban","password":"sai-mat-khau"}`, 401, "bad_credentials"},
		{"login oversized", "POST", "/api/v1/auth/login", "", "application/json", `{"username":"` + strings.Repeat("a", 20000) + `"}`, 413, "too_large"},
		{"vehicles without login", "GET", "/api/v1/vehicles", "", "", "", 401, "unauthenticated"},
		{"sim link outside demo", "POST", "/api/v1/sim/link", user, "application/json", `{"vehicle":"xe-01","up":false}`, 404, "not_found"},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, body := do(t, c.method, srv.URL+c.path, c.token, c.ctype, c.body)
			if status != c.status || !strings.Contains(body, `"code":"`+c.code+`"`) {
				t.Errorf("got %d %s, want %d %s", status, body, c.status, c.code)
			}
		})
	}
	// The hub still serves everyone else.
	if status, _ := do(t, "GET", srv.URL+"/healthz", "", "", ""); status != 200 {
		t.Fatalf("healthz after bad input: %d", status)
	}
	if status, body := do(t, "GET", srv.URL+"/api/v1/vehicles", user, "", ""); status != 200 || !strings.Contains(body, `"id":"xe-02"`) {
		t.Fatalf("vehicles after bad input: %d %s", status, body)
	}
}

func TestVehiclesAPIShape(t *testing.T) {
	_, srv := newTestHub(t)
	user := login(t, srv)
	status, body := do(t, "GET", srv.URL+"/api/v1/vehicles", user, "", "")
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	var vs []map[string]any
	if err := json.Unmarshal([]byte(body), &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 {
		t.Fatalf("want 2 vehicles, got %s", body)
	}
	for _, key := range []string{"id", "name", "unit", "online", "cameras", "telemetry"} {
		if _, ok := vs[0][key]; !ok {
			t.Errorf("vehicle lacks %q: %v", key, vs[0])
		}
	}
	cam := vs[0]["cameras"].([]any)[0].(map[string]any)
	for _, key := range []string{"id", "name", "live"} {
		if _, ok := cam[key]; !ok {
			t.Errorf("camera lacks %q: %v", key, cam)
		}
	}
	if vs[0]["online"] != false {
		t.Errorf("vehicle with no control channel should be offline: %v", vs[0])
	}
}

// validViewerOffer is a recvonly video offer (from Chromium) with no stream behind it.
const validViewerOffer = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 102\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=recvonly\r\na=rtcp-mux\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\na=setup:actpass\r\na=rtpmap:102 H264/90000\r\na=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"

// Every /api/v1 route is in the OpenAPI description, and nothing else is.
func TestOpenAPIListsEveryRoute(t *testing.T) {
	h, srv := newTestHub(t)
	status, body := do(t, "GET", srv.URL+"/api/v1/openapi.json", "", "", "")
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("not an OpenAPI 3 document: %v %q", err, doc.OpenAPI)
	}
	want := 0
	for _, rt := range h.routes() {
		if !strings.HasPrefix(rt.Pattern, "/api/v1/") {
			continue
		}
		want++
		if _, ok := doc.Paths[rt.Pattern][strings.ToLower(rt.Method)]; !ok {
			t.Errorf("%s %s missing from openapi.json", rt.Method, rt.Pattern)
		}
	}
	got := 0
	for _, ops := range doc.Paths {
		got += len(ops)
	}
	if got != want {
		t.Errorf("openapi.json has %d operations, the routes %d", got, want)
	}
}

// remount rebuilds the route table after a test replaced a domain's
// service (the hub builds its APIs once).
func remount(h *Hub) {
	h.table, h.loops = nil, nil
	h.mount()
}
