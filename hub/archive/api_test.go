package archive

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/httpapi/apitest"
	"fieldwatch/protocol/evidence"
)

// units: u1 and u2 under hq.
type tree struct{}

func (tree) Within(unit, ancestor string) bool { return unit == ancestor || ancestor == "hq" }

var errUnknown = errors.New("unknown vehicle")

// fleet: xe-01 (cam1) of u1, xe-02 (cam1) of u2.
type fakeFleet struct{}

func (fakeFleet) UnitOf(v string) (string, error) {
	switch v {
	case "xe-01":
		return "u1", nil
	case "xe-02":
		return "u2", nil
	}
	return "", fmt.Errorf("%w: %q", errUnknown, v)
}

func (f fakeFleet) CheckCamera(v, c string) error {
	if _, err := f.UnitOf(v); err != nil {
		return err
	}
	if c != "cam1" {
		return fmt.Errorf("%w: %s/%s", errUnknown, v, c)
	}
	return nil
}

func (fakeFleet) VehicleState(string) VehicleState { return VehicleState{} }

func (fakeFleet) Vehicle(token string) (string, error) {
	if v, ok := strings.CutPrefix(token, "tok-"); ok {
		return v, nil
	}
	return "", errors.New("bad token")
}

type photoSink struct{}

func (photoSink) ForwardPhoto(body io.Reader, vehicle, unit string) (string, any, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(data)
	id := hex.EncodeToString(sum[:])
	return id, map[string]string{"id": id, "by": "vehicle:" + vehicle, "unit": unit}, nil
}

type auditLog struct {
	mu      sync.Mutex
	actions []string
}

func (l *auditLog) Record(_ *http.Request, who audit.Actor, action, object, _ string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	name, _ := who.AuditName()
	l.actions = append(l.actions, name+" "+action+" "+object)
}

func (l *auditLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.actions, "; ")
}

type apiFixture struct {
	*fixture
	api   *API
	s     *apitest.Server
	audit *auditLog
	mux   *http.ServeMux // the vehicle routes, answered as the hub answers them
}

func newAPIFixture(t *testing.T) *apiFixture {
	t.Helper()
	f := &apiFixture{fixture: newFixture(t, nil), audit: &auditLog{}}
	scope := access.Scope{Tree: tree{}, Vehicles: fakeFleet{}}
	f.api = NewAPI(APIParams{Archive: f.a, Scope: scope, Cameras: fakeFleet{}, Tokens: fakeFleet{}, States: fakeFleet{},
		Photos: photoSink{}, PhotoMaxSize: 1 << 20, Audit: f.audit, Now: f.clock})
	f.s = apitest.New(t, scope, f.api.Routes())
	f.s.User(auth.User{Username: "lead1", Unit: "u1", Roles: []string{access.Leader}})
	f.s.User(auth.User{Username: "duty1", Unit: "u1", Roles: []string{access.Duty}})
	f.s.User(auth.User{Username: "lead2", Unit: "u2", Roles: []string{access.Leader}})
	f.mux = http.NewServeMux()
	for _, rt := range f.api.Routes() {
		if rt.Access != httpapi.Vehicle {
			continue
		}
		f.mux.HandleFunc(rt.Method+" "+rt.Pattern, func(w http.ResponseWriter, r *http.Request) {
			if err := rt.Handle(w, r); err != nil {
				httpapi.WriteError(w, r, nil, err)
			}
		})
	}
	return f
}

// vehicle sends a request of a vehicle; m, when not nil, goes in the manifest header.
func (f *apiFixture) vehicle(token, method, path string, m *evidence.Manifest, offset int64, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if m != nil {
		data, _ := json.Marshal(m)
		req.Header.Set(headerManifest, base64.StdEncoding.EncodeToString(data))
		req.Header.Set(headerOffset, strconv.FormatInt(offset, 10))
		req.Header.Set("Content-Type", "application/octet-stream")
	}
	if strings.HasSuffix(path, "/key") {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	f.mux.ServeHTTP(rec, req)
	return rec
}

func errorCode(t *testing.T, body []byte) (string, string) {
	t.Helper()
	var e httpapi.ErrorBody
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("not an error body: %s", body)
	}
	return e.Error.Code, e.Error.Message
}

func segPath(m *evidence.Manifest) string {
	return fmt.Sprintf("/api/v1/sync/%s/%s/%d", m.Vehicle, m.Camera, m.Seq)
}

// The vehicle's syncer acts on these statuses and codes: they must not change.
func TestSyncStatuses(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	segs := makeChain(t, f.priv, "xe-01", 2, nil)
	key := evidence.EncodeKey(f.priv.Public().(ed25519.PublicKey))

	rec := f.vehicle("tok-xe-01", "PUT", "/api/v1/sync/key", nil, 0, []byte(`{"public_key":"`+key+`"}`))
	var kr KeyResponse
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &kr) != nil || kr.Vehicle != "xe-01" || kr.Fingerprint != evidence.Fingerprint(key) {
		t.Fatalf("key: %d %s", rec.Code, rec.Body)
	}
	pub2, _, _ := ed25519.GenerateKey(rand.Reader)
	rec = f.vehicle("tok-xe-01", "PUT", "/api/v1/sync/key", nil, 0, []byte(`{"public_key":"`+evidence.EncodeKey(pub2)+`"}`))
	if code, _ := errorCode(t, rec.Body.Bytes()); rec.Code != 409 || code != "key_conflict" {
		t.Fatalf("other key: %d %s", rec.Code, rec.Body)
	}

	s := segs[0]
	rec = f.vehicle("tok-xe-02", "PATCH", segPath(&s.m), &s.m, 0, s.data)
	if code, _ := errorCode(t, rec.Body.Bytes()); rec.Code != 403 || code != "forbidden" {
		t.Fatalf("another vehicle's path: %d %s", rec.Code, rec.Body)
	}
	// A wrong offset is answered with where the hub stands, to resume from.
	rec = f.vehicle("tok-xe-01", "PATCH", segPath(&s.m), &s.m, 10, s.data[10:])
	if rec.Code != 409 || rec.Header().Get(headerOffset) != "0" || rec.Header().Get(headerComplete) != "?0" {
		t.Fatalf("resume without a partial: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	rec = f.vehicle("tok-xe-01", "PATCH", segPath(&s.m), &s.m, 0, s.data[:100])
	if rec.Code != 200 || rec.Header().Get(headerOffset) != "100" || rec.Header().Get(headerComplete) != "?0" {
		t.Fatalf("first part: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	rec = f.vehicle("tok-xe-01", "HEAD", segPath(&s.m), &s.m, 0, nil)
	if rec.Code != 200 || rec.Header().Get(headerOffset) != "100" {
		t.Fatalf("head: %d %v", rec.Code, rec.Header())
	}
	rec = f.vehicle("tok-xe-01", "PATCH", segPath(&s.m), &s.m, 100, s.data[100:])
	if rec.Code != 200 || rec.Header().Get(headerComplete) != "?1" {
		t.Fatalf("rest: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}

	bad := segs[1]
	bad.data = append([]byte{}, bad.data...)
	bad.data[len(bad.data)/2] ^= 0xff
	rec = f.vehicle("tok-xe-01", "PATCH", segPath(&bad.m), &bad.m, 0, bad.data)
	if code, _ := errorCode(t, rec.Body.Bytes()); rec.Code != 422 || code != "rejected" {
		t.Fatalf("tampered: %d %s", rec.Code, rec.Body)
	}
	rec = f.vehicle("tok-xe-01", "POST", segPath(&segs[1].m)+"/lost", &segs[1].m, 0, nil)
	if rec.Code != 204 {
		t.Fatalf("lost: %d %s", rec.Code, rec.Body)
	}

	// A vehicle with no registered key.
	other := makeChain(t, f.priv, "xe-02", 1, nil)[0]
	rec = f.vehicle("tok-xe-02", "PATCH", segPath(&other.m), &other.m, 0, other.data)
	if code, msg := errorCode(t, rec.Body.Bytes()); rec.Code != 412 || code != "no_key" || msg != "register the vehicle's signing key first" {
		t.Fatalf("no key: %d %s", rec.Code, rec.Body)
	}

	photo := []byte("\xff\xd8\xff\xe0 a photo")
	sum := sha256.Sum256(photo)
	rec = f.vehicle("tok-xe-01", "PUT", "/api/v1/sync/xe-01/photos/"+hex.EncodeToString(sum[:]), nil, 0, photo)
	if rec.Code != 201 || !strings.Contains(rec.Body.String(), `"unit":"u1"`) {
		t.Fatalf("photo: %d %s", rec.Code, rec.Body)
	}
	rec = f.vehicle("tok-xe-01", "PUT", "/api/v1/sync/xe-01/photos/"+strings.Repeat("0", 64), nil, 0, photo)
	if code, _ := errorCode(t, rec.Body.Bytes()); rec.Code != 422 || code != "rejected" {
		t.Fatalf("photo under another id: %d %s", rec.Code, rec.Body)
	}
}

func TestHoldsByScopeAndRole(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	req := HoldRequest{Vehicle: "xe-01", Camera: "cam1", Start: t0, End: t0.Add(time.Hour), Reason: " seizure "}
	var hold Hold
	f.s.JSON("duty1", "POST", "/api/v1/archive/holds", req, 201, &hold)
	if hold.ID == "" || hold.Reason != "seizure" || hold.CreatedBy != "duty1" || !hold.CreatedAt.Equal(f.clock()) {
		t.Fatalf("hold %+v", hold)
	}
	other := req
	other.Vehicle = "xe-02"
	f.s.JSON("duty1", "POST", "/api/v1/archive/holds", other, 403, nil)
	noReason := req
	noReason.Reason = " "
	status, body := f.s.Do("duty1", "POST", "/api/v1/archive/holds", noReason)
	if code, _ := errorCode(t, body); status != 400 || code != "bad_hold" {
		t.Fatalf("hold without reason: %d %s", status, body)
	}

	var seen []Hold
	f.s.JSON("lead2", "GET", "/api/v1/archive/holds", nil, 200, &seen)
	if len(seen) != 0 {
		t.Fatalf("another unit's leader sees %+v", seen)
	}
	f.s.JSON("lead1", "GET", "/api/v1/archive/holds", nil, 200, &seen)
	if len(seen) != 1 || seen[0].ID != hold.ID {
		t.Fatalf("holds %+v", seen)
	}

	f.s.JSON("duty1", "DELETE", "/api/v1/archive/holds/"+hold.ID, nil, 403, nil)
	f.s.JSON("lead2", "DELETE", "/api/v1/archive/holds/"+hold.ID, nil, 403, nil)
	f.s.JSON("lead1", "DELETE", "/api/v1/archive/holds/"+hold.ID, nil, 204, nil)
	status, body = f.s.Do("lead1", "DELETE", "/api/v1/archive/holds/"+hold.ID, nil)
	if code, _ := errorCode(t, body); status != 404 || code != "not_found" {
		t.Fatalf("lifted twice: %d %s", status, body)
	}
	if got, want := f.audit.String(), "duty1 archive.hold xe-01/cam1; lead1 archive.unhold xe-01/cam1"; got != want {
		t.Fatalf("audit %q, want %q", got, want)
	}
}

func TestTimelinePlayExportTransfers(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	segs := makeChain(t, f.priv, "xe-01", 3, nil)
	for _, s := range segs {
		f.upload(t, s)
	}
	base := "/api/v1/archive/xe-01/cam1/"
	var tl Timeline
	f.s.JSON("lead1", "GET", base+"timeline?from="+t0.Format(time.RFC3339)+"&to="+t0.Add(time.Minute).Format(time.RFC3339), nil, 200, &tl)
	if len(tl.Ranges) != 1 || !tl.Ranges[0].Start.Equal(t0) {
		t.Fatalf("timeline %+v", tl)
	}
	f.s.JSON("lead2", "GET", base+"timeline?from="+t0.Format(time.RFC3339)+"&to="+t0.Add(time.Minute).Format(time.RFC3339), nil, 403, nil)
	f.s.JSON("lead1", "GET", base+"timeline?from="+t0.Format(time.RFC3339)+"&to="+t0.Add(-time.Minute).Format(time.RFC3339), nil, 400, nil)

	var recs []Record
	f.s.JSON("lead1", "GET", base+"segments?start="+t0.Format(time.RFC3339)+"&duration=4", nil, 200, &recs)
	if len(recs) != 2 {
		t.Fatalf("%d segments, want 2", len(recs))
	}

	status, body := f.s.Do("lead1", "GET", base+"play?start="+t0.Format(time.RFC3339)+"&duration=6", nil)
	if status != 200 || len(body) < 1000 || !bytes.Contains(body[:64], []byte("ftyp")) {
		t.Fatalf("play: %d, %d bytes", status, len(body))
	}
	status, body = f.s.Do("lead1", "GET", base+"play?start="+t0.Add(-time.Hour).Format(time.RFC3339)+"&duration=60", nil)
	if code, _ := errorCode(t, body); status != 404 || code != "no_recording" {
		t.Fatalf("play of nothing: %d %s", status, body)
	}
	status, body = f.s.Do("lead1", "GET", base+"export?start="+t0.Format(time.RFC3339)+"&duration=6", nil)
	if status != 200 || !bytes.HasPrefix(body, []byte("PK")) {
		t.Fatalf("export: %d, %d bytes", status, len(body))
	}
	if got := f.audit.String(); !strings.Contains(got, "lead1 archive.play xe-01/cam1") || !strings.Contains(got, "lead1 archive.export xe-01/cam1") {
		t.Fatalf("audit %q", got)
	}

	var days []TransferView
	f.s.JSON("lead1", "GET", "/api/v1/archive/transfers", nil, 200, &days)
	if len(days) != 1 || days[0].Unit != "u1" || days[0].SegmentsApplied != 3 || len(days[0].Files) != 3 {
		t.Fatalf("transfers %+v", days)
	}
	f.s.JSON("lead2", "GET", "/api/v1/archive/transfers", nil, 200, &days)
	if len(days) != 0 {
		t.Fatalf("another unit sees %+v", days)
	}
	f.s.JSON("lead1", "GET", "/api/v1/archive/transfers?day=yesterday", nil, 400, nil)
}

// A duration that is not a finite number of seconds within the limit is a
// bad request, never an overflow into a negative duration.
func TestRangeQueryRefusesNonFiniteDurations(t *testing.T) {
	for _, d := range []string{"NaN", "nan", "Inf", "+Inf", "-Inf", "9.3e9", "1e300", "-5", "0", "", "abc"} {
		r := httptest.NewRequest("GET", "/x?start=2026-12-01T00:00:00Z&duration="+url.QueryEscape(d), nil)
		if _, got, err := rangeQuery(r); httpapi.Classify(err).Status != http.StatusBadRequest {
			t.Errorf("duration=%q: %v %v, want 400", d, got, err)
		}
	}
	r := httptest.NewRequest("GET", "/x?start=2026-12-01T00:00:00Z&duration=90.5", nil)
	if _, got, err := rangeQuery(r); err != nil || got != 90500*time.Millisecond {
		t.Errorf("90.5 s: %v %v", got, err)
	}
}
