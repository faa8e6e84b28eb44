package bench

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is one bench run. parseFlags documents every field's default.
type Config struct {
	Hub        string // base URL, no trailing slash
	Publishers int
	Viewers    int
	Duration   time.Duration
	Warmup     time.Duration
	// Templates: {i} is the stream number from 1, {stream} is "bench{i}".
	WHIPPath  string
	WHEPPath  string
	WHIPToken string
	WHEPToken string
	// Login is user:password for a fieldwatch hub's /api/v1/auth/login; the
	// token it returns is the viewers' when WHEPToken is empty.
	Login string
	PID   int
	JSON  bool
	// Baseline measures raw loopback UDP for BaselineDuration after the run.
	Baseline         bool
	BaselineDuration time.Duration
	// Loopback restricts ICE to loopback candidates; "auto" (the flag's
	// default) turns it on when the hub's host is a loopback address.
	Loopback bool
	// ConnectTimeout bounds the wait for each publisher to be up.
	ConnectTimeout time.Duration
	Logger         *slog.Logger
}

func parseFlags(args []string, stderr io.Writer) (Config, error) {
	var c Config
	var loopback string
	fs := flag.NewFlagSet("bench live", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Hub, "hub", "http://127.0.0.1:8080", "server base URL")
	fs.IntVar(&c.Publishers, "publishers", 1, "WHIP publishers (one stream each)")
	fs.IntVar(&c.Viewers, "viewers", 1, "WHEP viewers per stream")
	fs.DurationVar(&c.Duration, "duration", 30*time.Second, "measured time, after the warm-up")
	fs.DurationVar(&c.Warmup, "warmup", 3*time.Second, "time after the viewers start that loss, frame and latency counts leave out")
	fs.StringVar(&c.WHIPPath, "whip-path", "/whip/bench{i}/cam1", "WHIP path template ({i} = stream number from 1, {stream} = bench{i}); MediaMTX: /{stream}/whip")
	fs.StringVar(&c.WHEPPath, "whep-path", "/whep/bench{i}/cam1", "WHEP path template; MediaMTX: /{stream}/whep")
	fs.StringVar(&c.WHIPToken, "whip-token", "bench-token-{i}-0123456789", "publisher bearer token template, as `fieldwatch bench hub-config` registers (empty: no Authorization header)")
	fs.StringVar(&c.WHEPToken, "whep-token", "", "viewer bearer token template (empty: no Authorization header, or the token from --login)")
	fs.StringVar(&c.Login, "login", "", "user:password to log in to a fieldwatch hub for the viewers' token")
	fs.IntVar(&c.PID, "pid", 0, "server process id: report its CPU and resident memory from /proc")
	fs.BoolVar(&c.JSON, "json", false, "print the report as JSON")
	fs.BoolVar(&c.Baseline, "baseline", true, "measure a raw loopback UDP baseline at the run's packet rate and size")
	fs.DurationVar(&c.BaselineDuration, "baseline-duration", 5*time.Second, "length of the UDP baseline")
	fs.StringVar(&loopback, "loopback", "auto", "ICE on loopback candidates only: auto (when --hub is a loopback host), true, false")
	fs.DurationVar(&c.ConnectTimeout, "connect-timeout", 15*time.Second, "how long to wait for each publisher to be up")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("bench: unexpected arguments %q", fs.Args())
	}
	c.Hub = strings.TrimRight(c.Hub, "/")
	u, err := url.Parse(c.Hub)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("bench: --hub %q is not an http(s) URL", c.Hub)
	}
	switch loopback {
	case "auto":
		c.Loopback = isLoopbackHost(u.Hostname())
	case "true", "false":
		c.Loopback = loopback == "true"
	default:
		return c, fmt.Errorf("bench: --loopback %q: want auto, true or false", loopback)
	}
	switch {
	case c.Publishers < 1:
		return c, errors.New("bench: --publishers must be at least 1")
	case c.Viewers < 1:
		return c, errors.New("bench: --viewers must be at least 1")
	case c.Duration <= 0:
		return c, errors.New("bench: --duration must be positive")
	case c.Warmup < 0:
		return c, errors.New("bench: --warmup must not be negative")
	case c.Baseline && c.BaselineDuration <= 0:
		return c, errors.New("bench: --baseline-duration must be positive")
	case c.ConnectTimeout <= 0:
		return c, errors.New("bench: --connect-timeout must be positive")
	case c.PID < 0:
		return c, errors.New("bench: --pid must not be negative")
	}
	return c, nil
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// expand fills a path or token template for stream i (from 1).
func expand(tmpl string, i int) string {
	s := strings.ReplaceAll(tmpl, "{stream}", "bench{i}")
	return strings.ReplaceAll(s, "{i}", strconv.Itoa(i))
}

// whipURL and whepURL are stream i's endpoints.
func (c *Config) whipURL(i int) string { return c.Hub + expand(c.WHIPPath, i) }
func (c *Config) whepURL(i int) string { return c.Hub + expand(c.WHEPPath, i) }
