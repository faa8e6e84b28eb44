package bench

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestExpand(t *testing.T) {
	for _, c := range []struct {
		tmpl string
		i    int
		want string
	}{
		{"/whip/bench{i}/cam1", 3, "/whip/bench3/cam1"},
		{"/{stream}/whep", 12, "/bench12/whep"},
		{"/rtc/v1/whip/?app=live&stream={stream}-{i}", 2, "/rtc/v1/whip/?app=live&stream=bench2-2"},
		{"token-{i}-{i}", 7, "token-7-7"},
		{"fixed", 1, "fixed"},
		{"", 5, ""},
	} {
		if got := expand(c.tmpl, c.i); got != c.want {
			t.Errorf("expand(%q, %d) = %q, want %q", c.tmpl, c.i, got, c.want)
		}
	}
}

func TestParseFlagsDefaults(t *testing.T) {
	c, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Hub != "http://127.0.0.1:8080" || c.Publishers != 1 || c.Viewers != 1 ||
		c.Duration != 30*time.Second || c.Warmup != 3*time.Second || !c.Baseline || !c.Loopback ||
		c.WHIPPath != "/whip/bench{i}/cam1" || c.WHEPPath != "/whep/bench{i}/cam1" ||
		c.WHIPToken != "bench-token-{i}-0123456789" || c.WHEPToken != "" || c.PID != 0 || c.JSON {
		t.Fatalf("defaults %+v", c)
	}
	if got := c.whipURL(4); got != "http://127.0.0.1:8080/whip/bench4/cam1" {
		t.Fatalf("whip URL %q", got)
	}
}

func TestParseFlags(t *testing.T) {
	c, err := parseFlags(strings.Fields("--hub https://hub.example/ --publishers 5 --viewers 20 --duration 60s --warmup 0s --whep-path /{stream}/whep --whip-token= --json --baseline=false --pid 42"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Hub != "https://hub.example" || c.Publishers != 5 || c.Viewers != 20 || c.Duration != time.Minute ||
		c.Warmup != 0 || c.whepURL(5) != "https://hub.example/bench5/whep" || c.WHIPToken != "" ||
		!c.JSON || c.Baseline || c.PID != 42 || c.Loopback {
		t.Fatalf("parsed %+v", c)
	}
	for _, h := range []string{"http://localhost:8889", "http://[::1]:8080"} {
		if c, err := parseFlags([]string{"--hub", h}, io.Discard); err != nil || !c.Loopback {
			t.Errorf("--hub %s: loopback %v, err %v", h, c.Loopback, err)
		}
	}
	if c, err := parseFlags([]string{"--loopback=false"}, io.Discard); err != nil || c.Loopback {
		t.Errorf("--loopback=false: loopback %v, err %v", c.Loopback, err)
	}
}

func TestParseFlagsErrors(t *testing.T) {
	for _, c := range []struct{ args, want string }{
		{"--publishers 0", "bench: --publishers must be at least 1"},
		{"--viewers 0", "bench: --viewers must be at least 1"},
		{"--duration 0s", "bench: --duration must be positive"},
		{"--warmup -1s", "bench: --warmup must not be negative"},
		{"--hub ftp://x", `bench: --hub "ftp://x" is not an http(s) URL`},
		{"--loopback maybe", `bench: --loopback "maybe": want auto, true or false`},
		{"--pid -3", "bench: --pid must not be negative"},
		{"extra", `bench: unexpected arguments ["extra"]`},
	} {
		t.Run(c.args, func(t *testing.T) {
			_, err := parseFlags(strings.Fields(c.args), io.Discard)
			if err == nil || err.Error() != c.want {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
}
