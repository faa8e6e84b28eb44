package e2e

import (
	"fieldwatch/internal/testwait"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestBadInputLeavesOthersServed sends the hub a stream of bad WHIP/WHEP
// requests while a viewer watches a live camera: each gets its 4xx, and the
// viewer's video never stalls.
func TestBadInputLeavesOthersServed(t *testing.T) {
	fullLane(t)
	d := startDemo(t, 1, 1)
	token := apiLogin(t, d, "trucban")
	testwait.For(t, 20*time.Second, "camera live", func() bool {
		v := vehicles(t, d, token)["xe-01"]
		return len(v.Cameras) == 1 && v.Cameras[0].Live
	})
	viewer := startGoViewer(t, d.URL(), "xe-01", "cam1", token)
	testwait.For(t, 5*time.Second, "frames", func() bool { return len(viewer.framesAfter(time.Time{})) > 25 })

	huge := "v=0\r\n" + strings.Repeat("a=x:"+strings.Repeat("y", 200)+"\r\n", 400)
	bad := []struct {
		method, path, token, ctype, body string
		status                           int
	}{
		{"POST", "whip/xe-01/cam1", "forged-token-0123456789", "application/sdp", "v=0", 401},
		{"POST", "whip/xe-01/cam1", token, "application/sdp", "v=0", 401},
		{"POST", "whip/xe-99/cam1", "", "application/sdp", "v=0", 401},
		{"POST", "whep/xe-01/cam1", token, "application/sdp", "not sdp at all", 400},
		{"POST", "whep/xe-01/cam1", token, "application/sdp", huge, 413},
		{"POST", "whep/xe-01/cam1", token, "text/plain", "v=0", 415},
		{"POST", "whep/xe-01/cam9", token, "application/sdp", "v=0", 404},
		{"DELETE", "whep/xe-01/cam1/0123456789abcdef", token, "", "", 404},
		{"POST", "api/v1/auth/login", "", "application/json", `{"username":`, 400},
	}
	start := time.Now()
	for round := 0; time.Since(start) < 3*time.Second; round++ {
		for _, b := range bad {
			req, _ := http.NewRequest(b.method, d.URL()+b.path, strings.NewReader(b.body))
			if b.token != "" {
				req.Header.Set("Authorization", "Bearer "+b.token)
			}
			if b.ctype != "" {
				req.Header.Set("Content-Type", b.ctype)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != b.status {
				t.Fatalf("%s /%s: %d, want %d", b.method, b.path, resp.StatusCode, b.status)
			}
		}
	}
	frames := viewer.framesAfter(start)
	if len(frames) < 60 {
		t.Fatalf("viewer got %d frames in 3 s of bad input, want about 75", len(frames))
	}
	for i := 1; i < len(frames); i++ {
		if gap := frames[i].at.Sub(frames[i-1].at); gap > 500*time.Millisecond {
			t.Fatalf("video stalled %v during the bad input", gap)
		}
	}
}
