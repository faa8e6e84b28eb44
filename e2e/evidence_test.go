package e2e

import (
	"encoding/json"
	"io/fs"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fieldwatch/hub/archive"
	"fieldwatch/internal/segfile"
	"fieldwatch/internal/testwait"
	"fieldwatch/protocol/evidence"
	"fieldwatch/sim/demo"
	"fieldwatch/vehicle/node"
	"fieldwatch/vehicle/recorder"
)

// startRecordingDemo runs one vehicle with short segments and a paced sync
// (so that uploads are long enough to be cut in the middle).
func startRecordingDemo(t *testing.T, dataDir string, mod func(*node.Config)) *demo.Demo {
	t.Helper()
	lvl := slog.LevelWarn
	if os.Getenv("FIELDWATCH_LOG") == "debug" {
		lvl = slog.LevelDebug
	}
	d, err := demo.Start(t.Context(), demo.Options{
		HTTPAddr: "127.0.0.1:0", DataDir: dataDir, Vehicles: 1, CamerasPerVehicle: 1, Password: demoPassword,
		Logger:  slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl})),
		Vehicle: mod,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("demo close: %v", err)
		}
	})
	return d
}

// getJSON fetches an API path with a bearer token into v.
func getJSON(t *testing.T, d *demo.Demo, token, path string, v any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, d.URL()+strings.TrimPrefix(path, "/"), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// TestZeroLossUnderFlappingLink records while the vehicle's link flaps at
// random (50 cuts of 0.2–30 s, log-uniform, a third of them timed to hit
// an upload in progress), then keeps the link up and checks that every
// segment the vehicle recorded is in the hub's archive exactly once, byte
// for byte, that the chain verifies end to end, and that the timeline has
// no gap the vehicle did not have.
func TestZeroLossUnderFlappingLink(t *testing.T) {
	fullLane(t)
	dataDir := t.TempDir()
	d := startRecordingDemo(t, dataDir, func(c *node.Config) {
		c.Recording.SegmentDuration = 2 * time.Second
		c.Recording.FragmentDuration = 500 * time.Millisecond
		c.Sync.MaxKbps = 8000 // a 2 s segment (~400 KB) takes ~0.4 s to send: cuts land mid-upload
		c.Sync.LinkKbps = 20000
	})
	const id, cam = "xe-01", "cam1"
	token := apiLogin(t, d, "trucban")
	testwait.For(t, 20*time.Second, "vehicle online", func() bool { return vehicles(t, d, token)[id].Online })
	n := d.Node(id)
	seed := uint64(time.Now().UnixNano())
	t.Logf("random seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	const cuts = 50
	midUpload := 0
	var total time.Duration
	for i := range cuts {
		// Log-uniform in [0.2 s, 30 s]; the first is the longest and the second the shortest.
		dur := time.Duration(0.2 * math.Pow(150, rng.Float64()) * float64(time.Second))
		switch i {
		case 0:
			dur = 30 * time.Second
		case 1:
			dur = 200 * time.Millisecond
		}
		if i%3 == 2 {
			// Wait (up to 3 s) for an upload to be under way, then cut.
			deadline := time.Now().Add(3 * time.Second)
			for !n.Sync().State().Uploading && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
		}
		if n.Sync().State().Uploading {
			midUpload++
		}
		if err := d.SetLink(id, false); err != nil {
			t.Fatal(err)
		}
		time.Sleep(dur)
		total += dur
		if err := d.SetLink(id, true); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(300+rng.IntN(2700)) * time.Millisecond)
	}
	t.Logf("%d cuts, %v down in all, %d of them during an upload", cuts, total.Round(time.Second), midUpload)
	if midUpload < 5 {
		t.Errorf("only %d cuts hit an upload; want at least 5", midUpload)
	}

	// The link stays up: the backlog drains.
	rec := n.Recorder()
	drain := testwait.For(t, 4*time.Minute, "vehicle backlog drained", func() bool {
		return rec.Backlog().Segments == 0
	})
	t.Logf("backlog drained %v after the last cut", drain)

	vsegs := rec.Segments(cam)
	if len(vsegs) < 60 {
		t.Fatalf("vehicle recorded only %d segments", len(vsegs))
	}
	first, last := vsegs[0].Manifest, vsegs[len(vsegs)-1].Manifest
	var recs []archive.Record
	q := url.Values{"start": {first.Start.Format(time.RFC3339Nano)},
		"duration": {formatSeconds(last.End.Sub(first.Start) + time.Second)}}
	getJSON(t, d, token, "/api/v1/archive/"+id+"/"+cam+"/segments?"+q.Encode(), &recs)
	hub := map[uint64]archive.Record{}
	for _, r := range recs {
		if _, dup := hub[r.Manifest.Seq]; dup {
			t.Fatalf("segment %d listed twice by the hub", r.Manifest.Seq)
		}
		hub[r.Manifest.Seq] = r
	}
	frames := 0
	var chain []evidence.Manifest
	for _, vs := range vsegs {
		if vs.State == recorder.StateLost {
			t.Fatalf("segment %d lost on the vehicle", vs.Manifest.Seq)
		}
		hr, ok := hub[vs.Manifest.Seq]
		if !ok {
			t.Fatalf("segment %d recorded by the vehicle is not in the archive", vs.Manifest.Seq)
		}
		if hr.Lost || hr.Manifest.Digest() != vs.Manifest.Digest() {
			t.Fatalf("segment %d differs at the hub", vs.Manifest.Seq)
		}
		seg, err := segfile.ReadFile(filepath.Join(dataDir, "hub", "archive", hr.Path))
		if err != nil {
			t.Fatalf("archived segment %d: %v", vs.Manifest.Seq, err)
		}
		if got := seg.Stats().Frames; got != vs.Manifest.Frames {
			t.Fatalf("archived segment %d has %d frames, the vehicle recorded %d", vs.Manifest.Seq, got, vs.Manifest.Frames)
		}
		frames += vs.Manifest.Frames
		chain = append(chain, hr.Manifest)
	}
	if len(hub) != len(vsegs) {
		t.Fatalf("hub holds %d segments in the range, the vehicle recorded %d", len(hub), len(vsegs))
	}
	if err := evidence.VerifyChain(chain); err != nil {
		t.Fatal(err)
	}
	// Exactly one file per segment on the hub's disk, and no partial upload left behind.
	// The vehicle keeps recording while this runs, so a segment closed after the
	// snapshot above may already be arriving: only seqs up to the last one count.
	files, parts := 0, 0
	filepath.WalkDir(filepath.Join(dataDir, "hub", "archive"), func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !(strings.HasSuffix(p, ".mp4") || strings.HasSuffix(p, ".part")) {
			return nil
		}
		seq, perr := strconv.ParseUint(strings.SplitN(strings.TrimSuffix(e.Name(), ".mp4"), "-", 2)[0], 10, 64)
		if perr != nil {
			t.Errorf("hub archive file not named by its seq: %s", p)
			return nil
		}
		if seq > last.Seq {
			return nil
		}
		switch {
		case strings.HasSuffix(p, ".mp4"):
			files++
		case strings.HasSuffix(p, ".part"):
			parts++
		}
		return nil
	})
	if files != len(vsegs) || parts != 0 {
		t.Fatalf("hub disk: %d segment files, %d partial uploads; want %d and 0", files, parts, len(vsegs))
	}
	t.Logf("%d segments, %d frames archived exactly once; chain verifies", len(vsegs), frames)

	// The vehicle recorded without a break; so must the timeline be.
	var want int
	for i := 1; i < len(vsegs); i++ {
		if vsegs[i].Manifest.Start.Sub(vsegs[i-1].Manifest.End) > time.Second {
			want++
		}
	}
	var tl archive.Timeline
	tq := url.Values{"from": {first.Start.Format(time.RFC3339Nano)}, "to": {last.End.Format(time.RFC3339Nano)}}
	getJSON(t, d, token, "/api/v1/archive/"+id+"/"+cam+"/timeline?"+tq.Encode(), &tl)
	if len(tl.Gaps) != want {
		t.Fatalf("timeline has %d gaps, the vehicle's recording had %d: %+v", len(tl.Gaps), want, tl.Gaps)
	}
}

func formatSeconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }
