package e2e

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fieldwatch/hub/archive"
	"fieldwatch/hub/store"
	"fieldwatch/internal/testwait"
	"fieldwatch/protocol/evidence"
	"fieldwatch/vehicle/recorder"
)

// proc is a real fieldwatch process.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
}

func buildFieldwatch(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "fieldwatch")
	out, err := exec.Command("go", "build", "-o", bin, "fieldwatch/cmd/fieldwatch").CombinedOutput()
	if err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func startProc(t *testing.T, name, bin string, env []string, args ...string) *proc {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), name+".log")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			data, _ := os.ReadFile(logPath)
			lines := strings.Split(string(data), "\n")
			t.Logf("--- last lines of %s ---\n%s", logPath, strings.Join(lines[max(0, len(lines)-40):], "\n"))
		}
	})
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{})}
	go func() { cmd.Wait(); logf.Close(); close(p.done) }()
	t.Cleanup(func() { p.kill() })
	return p
}

// kill is kill -9.
func (p *proc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop asks the process to shut down cleanly.
func (p *proc) stop(t *testing.T) {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Errorf("%s did not stop on SIGTERM", p.name)
		p.kill()
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestKillNineConverges runs hub, vehicle and camera as real processes,
// kills the vehicle with SIGKILL in the middle of a segment and the hub in
// the middle of an upload, restarts each, and checks that everything
// converges: the torn segment is recovered and its break recorded, every
// segment reaches the hub exactly once, and the chain verifies.
func TestKillNineConverges(t *testing.T) {
	fullLane(t)
	bin := buildFieldwatch(t)
	dir := t.TempDir()
	hubPort, rtspPort := freePort(t), freePort(t)
	const token = "kiem-thu-token-0123456789"
	const adminPW = "mat-khau-quan-tri-kiem-thu"
	hubCfg := filepath.Join(dir, "hub.yaml")
	os.WriteFile(hubCfg, fmt.Appendf(nil, `name: hub-test
data_dir: %s
http: {addr: "127.0.0.1:%d", tls: "off"}
webrtc: {loopback_only: true}
vehicles:
  - {id: xe-01, name: Xe 01, unit: cc-huu-nghi, token: %s, cameras: [{id: cam1, name: Camera 1}]}
`, filepath.Join(dir, "hub"), hubPort, token), 0o644)
	vehCfg := filepath.Join(dir, "vehicle.yaml")
	os.WriteFile(vehCfg, fmt.Appendf(nil, `id: xe-01
hub: http://127.0.0.1:%d
token: %s
data_dir: %s
loopback_only: true
recording: {segment_duration: 2s, fragment_duration: 500ms}
sync: {max_kbps: 6000}
cameras:
  - {id: cam1, name: Camera 1, url: "rtsp://127.0.0.1:%d/cam1", transport: tcp}
`, hubPort, token, filepath.Join(dir, "vehicle"), rtspPort), 0o644)
	hubEnv := []string{"FIELDWATCH_ADMIN_PASSWORD=" + adminPW}
	base := fmt.Sprintf("http://127.0.0.1:%d", hubPort)

	startProc(t, "camera", bin, nil, "sim", "camera", "--addr", fmt.Sprintf("127.0.0.1:%d", rtspPort), "--paths", "cam1")
	startHub := func() *proc {
		p := startProc(t, "hub", bin, hubEnv, "hub", "--config", hubCfg)
		testwait.For(t, 20*time.Second, "hub serving", func() bool {
			resp, err := http.Get(base + "/healthz")
			if err == nil {
				resp.Body.Close()
			}
			return err == nil && resp.StatusCode == 200
		})
		return p
	}
	hub := startHub()
	vehEnv := []string{"FIELDWATCH_LOG=debug"}
	veh := startProc(t, "vehicle", bin, vehEnv, "vehicle", "--config", vehCfg)
	tok := loginAt(t, base, "admin", adminPW)
	synced := func() int {
		var vs []struct {
			Telemetry *struct {
				Sync *struct {
					BacklogSegments int        `json:"backlog_segments"`
					OldestUnsynced  *time.Time `json:"oldest_unsynced"`
					LastError       string     `json:"last_error"`
					RateKbps        float64    `json:"rate_kbps"`
					LimitKbps       float64    `json:"limit_kbps"`
				} `json:"sync"`
			} `json:"telemetry"`
			Online bool `json:"online"`
		}
		if err := getAt(base, tok, "/api/v1/vehicles", &vs); err != nil || len(vs) == 0 || !vs[0].Online ||
			vs[0].Telemetry == nil || vs[0].Telemetry.Sync == nil {
			var raw json.RawMessage
			getAt(base, tok, "/api/v1/vehicles", &raw)
			t.Logf("vehicles: %v %.600s", err, raw)
			return -1
		}
		sy := vs[0].Telemetry.Sync
		// Caught up: nothing owed but the segment that just closed (one closes every 2 s).
		if sy.BacklogSegments <= 1 && (sy.OldestUnsynced == nil || time.Since(*sy.OldestUnsynced) < 8*time.Second) {
			return 0
		}
		t.Logf("backlog %d, rate %.0f kbit/s, limit %.0f, last error %q", sy.BacklogSegments, sy.RateKbps, sy.LimitKbps, sy.LastError)
		return sy.BacklogSegments
	}
	archived := func() int {
		n := 0
		filepath.WalkDir(filepath.Join(dir, "hub", "archive", "segments"), func(p string, e fs.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".mp4") {
				n++
			}
			return nil
		})
		return n
	}
	testwait.For(t, 30*time.Second, "3 segments archived", func() bool { return archived() >= 3 })

	// 1. kill -9 the vehicle in the middle of a segment (once its open file holds a whole fragment), and restart it.
	testwait.For(t, 10*time.Second, "a segment being written with a fragment in it", func() bool {
		return openSegmentSize(t, filepath.Join(dir, "vehicle", "recordings", "segments"), archivedNames(dir)) > 100<<10
	})
	veh.kill()
	time.Sleep(time.Second)
	veh = startProc(t, "vehicle", bin, vehEnv, "vehicle", "--config", vehCfg)

	// 2. kill -9 the hub for 10 s so a backlog builds, restart it, and kill -9 it again mid-upload.
	testwait.For(t, 30*time.Second, "vehicle back and synced", func() bool { return synced() == 0 })
	hub.kill()
	time.Sleep(10 * time.Second)
	hub = startHub()
	tok = loginAt(t, base, "admin", adminPW)
	partial := func() bool {
		found := false
		filepath.WalkDir(filepath.Join(dir, "hub", "archive", "incoming"), func(p string, e fs.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".part") {
				if fi, err := e.Info(); err == nil && fi.Size() > 0 {
					found = true
				}
			}
			return nil
		})
		return found
	}
	testwait.For(t, 30*time.Second, "an upload in progress", partial)
	hub.kill()
	hub = startHub()
	tok = loginAt(t, base, "admin", adminPW)
	testwait.For(t, 90*time.Second, "backlog drained after the restarts", func() bool { return synced() == 0 })
	// Caught up: what closed before now must reach the hub; the segment in flight
	// now and the one closed at the clean stop may still be on the vehicle.
	caughtUp := time.Now().Add(-3 * time.Second)

	// Stop both cleanly and compare what each holds.
	veh.stop(t)
	hub.stop(t)
	rec, err := recorder.Open(recorder.Config{Vehicle: "xe-01", Dir: filepath.Join(dir, "vehicle", "recordings"),
		SegmentDuration: 2 * time.Second, FragmentDuration: 500 * time.Millisecond, BudgetBytes: 1 << 40, OnFull: recorder.OnFullStop}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	vsegs := rec.Segments("cam1")
	db, err := store.Open(filepath.Join(dir, "hub"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	arch, err := archive.New(archive.Config{Dir: filepath.Join(dir, "hub", "archive"), Retention: 1e6 * time.Hour, SweepInterval: time.Hour}, db, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := arch.Segments("xe-01", "cam1", vsegs[0].Manifest.Start.Add(-time.Minute), time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	hubBySeq := map[uint64]archive.Record{}
	for _, r := range recs {
		hubBySeq[r.Manifest.Seq] = r
	}
	recovered := 0
	var chain []evidence.Manifest
	for i, vs := range vsegs {
		m := vs.Manifest
		if m.Recovered {
			recovered++
			if m.Trimmed > 1<<20 {
				t.Errorf("recovery trimmed %d bytes: more than a fragment", m.Trimmed)
			}
			if i+1 >= len(vsegs) || vsegs[i+1].Manifest.Break != evidence.BreakRestart {
				t.Errorf("the segment after the recovered one does not record the restart")
			}
		}
		hr, ok := hubBySeq[m.Seq]
		if vs.State == recorder.StateLocal && vs.ClosedAt.After(caughtUp) {
			continue // closed after the vehicle had caught up, then it was stopped
		}
		if !ok || hr.Manifest.Digest() != m.Digest() {
			t.Fatalf("segment %d (state %s) is not at the hub as recorded", m.Seq, vs.State)
		}
		chain = append(chain, hr.Manifest)
	}
	if recovered != 1 {
		t.Fatalf("%d recovered segments, want 1 (the vehicle was killed once)", recovered)
	}
	if err := evidence.VerifyChain(chain); err != nil {
		t.Fatal(err)
	}
	if n := archived(); n != len(recs) {
		t.Fatalf("%d segment files on the hub's disk for %d records: stored twice?", n, len(recs))
	}
	t.Logf("%d segments recorded, %d archived once each, chain verifies across a vehicle crash and two hub crashes", len(vsegs), len(recs))
}

// archivedNames is the set of segment numbers the hub has archived.
func archivedNames(dir string) map[string]bool {
	out := map[string]bool{}
	filepath.WalkDir(filepath.Join(dir, "hub", "archive", "segments"), func(p string, e fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".mp4") {
			out[strings.TrimLeft(strings.TrimSuffix(filepath.Base(p), ".mp4"), "0")] = true
		}
		return nil
	})
	return out
}

// openSegmentSize is the size of the newest segment file on the vehicle (the one being written).
func openSegmentSize(t *testing.T, root string, _ map[string]bool) int64 {
	var newest fs.FileInfo
	filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			if fi, err := e.Info(); err == nil && (newest == nil || fi.ModTime().After(newest.ModTime()) || fi.Name() > newest.Name()) {
				newest = fi
			}
		}
		return nil
	})
	if newest == nil {
		return 0
	}
	return newest.Size()
}

func loginAt(t *testing.T, base, user, pw string) string {
	t.Helper()
	body := fmt.Sprintf(`{"username":%q,"password":%q}`, user, pw)
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		t.Fatalf("login %s: %s %v", user, resp.Status, err)
	}
	return out.Token
}

func getAt(base, token, path string, v any) error {
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s", resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
