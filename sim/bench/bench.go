// Package bench is the load tool behind `fieldwatch bench live`: N WHIP
// publishers of the SEI-stamped sim clip and M WHEP viewers per stream
// against any WHIP/WHEP server (path templates are flags), reporting
// streams up, frames, loss, time to first frame, capture-to-viewer
// latency, and the server's CPU and memory when given its pid, beside a
// raw loopback UDP baseline measured in the same run.
package bench

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"

	"fieldwatch/protocol/whip"
)

// Config is a bench run.
type Config struct {
	Hub        string
	Publishers int
	Viewers    int
	Duration   time.Duration
	Warmup     time.Duration
	WHIPPath   string
	WHEPPath   string
	WHIPToken  string
	WHEPToken  string
	Login      string // user:password for a fieldwatch hub's /api/v1/auth/login
	PID        int
	JSON       bool
	Baseline   bool
	Loopback   bool
	Logger     *slog.Logger
}

func parseFlags(args []string, stderr io.Writer) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("bench live", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Hub, "hub", "http://127.0.0.1:8080", "server base URL")
	fs.IntVar(&c.Publishers, "publishers", 1, "WHIP publishers (streams)")
	fs.IntVar(&c.Viewers, "viewers", 1, "WHEP viewers per stream")
	fs.DurationVar(&c.Duration, "duration", 30*time.Second, "measured time")
	fs.DurationVar(&c.Warmup, "warmup", 3*time.Second, "time after the viewers start that is not measured")
	fs.StringVar(&c.WHIPPath, "whip-path", "/whip/bench{i}/cam1", "WHIP path template ({i} = stream number from 1, {stream} = bench{i}); MediaMTX: /{stream}/whip")
	fs.StringVar(&c.WHEPPath, "whep-path", "/whep/bench{i}/cam1", "WHEP path template; MediaMTX: /{stream}/whep")
	fs.StringVar(&c.WHIPToken, "whip-token", "bench-token-{i}-0123456789", "publisher bearer token template (empty: none)")
	fs.StringVar(&c.WHEPToken, "whep-token", "", "viewer bearer token template (empty: none, or from --login)")
	fs.StringVar(&c.Login, "login", "", "user:password to log in to a fieldwatch hub for the viewers' token")
	fs.IntVar(&c.PID, "pid", 0, "server process id, to report its CPU and memory")
	fs.BoolVar(&c.JSON, "json", false, "print the report as JSON")
	fs.BoolVar(&c.Baseline, "baseline", true, "measure a raw loopback UDP baseline in the same run")
	fs.BoolVar(&c.Loopback, "loopback", true, "use loopback ICE candidates only (server on this machine)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.Publishers < 1 || c.Viewers < 0 || c.Duration <= 0 {
		return c, errors.New("bench: need --publishers >= 1, --viewers >= 0, --duration > 0")
	}
	c.Hub = strings.TrimRight(c.Hub, "/")
	return c, nil
}

// expand fills a path or token template for stream i.
func expand(tmpl string, i int) string {
	s := strings.ReplaceAll(tmpl, "{stream}", "bench{i}")
	return strings.ReplaceAll(s, "{i}", strconv.Itoa(i))
}

// Main runs `fieldwatch bench live ARGS`.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	rep, err := Run(ctx, cfg)
	if err != nil {
		return err
	}
	if cfg.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		rep.WriteText(stdout)
	}
	if err == nil && (rep.PublishersFailed > 0 || rep.ViewersFailed > 0) {
		err = fmt.Errorf("bench: %d publishers and %d viewers failed", rep.PublishersFailed, rep.ViewersFailed)
	}
	return err
}

// Run performs a bench run and returns its report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	rep := &Report{Config: cfg}
	hc := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	if cfg.Login != "" && cfg.WHEPToken == "" {
		tok, err := login(ctx, hc, cfg.Hub, cfg.Login)
		if err != nil {
			return nil, err
		}
		cfg.WHEPToken = tok
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Publishers first; viewers once each stream is up.
	var wg sync.WaitGroup
	pubs := make([]*publisher, cfg.Publishers)
	for i := range pubs {
		n := i + 1
		pubs[i] = newPublisher(cfg.Hub+expand(cfg.WHIPPath, n), expand(cfg.WHIPToken, n), cfg.Loopback, hc, cfg.Logger.With("publisher", n))
		wg.Add(1)
		go func() {
			defer wg.Done()
			pubs[i].run(ctx)
		}()
	}
	defer wg.Wait()
	defer cancel()
	up := make([]bool, len(pubs))
	var upWG sync.WaitGroup
	for i, p := range pubs {
		upWG.Add(1)
		go func() {
			defer upWG.Done()
			up[i] = p.waitConnected(ctx, 15*time.Second)
		}()
	}
	upWG.Wait()
	for _, ok := range up {
		if ok {
			rep.PublishersUp++
		} else {
			rep.PublishersFailed++
		}
	}

	api, err := newViewerAPI(cfg.Loopback)
	if err != nil {
		return nil, err
	}
	wc := &whip.Client{HTTP: hc}
	var viewers []*viewer
	var vmu sync.Mutex
	var vwg sync.WaitGroup
	sem := make(chan struct{}, 8) // signalling in parallel, not all at once
	for i := range pubs {
		for range cfg.Viewers {
			n := i + 1
			vwg.Add(1)
			go func() {
				defer vwg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				c := *wc
				c.Token = expand(cfg.WHEPToken, n)
				v, err := startViewerRetry(ctx, api, &c, cfg.Hub+expand(cfg.WHEPPath, n))
				vmu.Lock()
				defer vmu.Unlock()
				if err != nil {
					cfg.Logger.Warn("viewer failed", "stream", n, "err", err)
					rep.ViewersFailed++
					return
				}
				viewers = append(viewers, v)
			}()
		}
	}
	vwg.Wait()
	defer func() {
		for _, v := range viewers {
			v.close()
		}
	}()

	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(cfg.Warmup):
	}
	for _, v := range viewers {
		v.startMeasuring()
	}
	var cpu0 time.Duration
	if cfg.PID > 0 {
		if cpu0, err = procCPU(cfg.PID); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	sample := time.NewTicker(time.Second)
	defer sample.Stop()
	for wait := time.After(cfg.Duration); ; {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-sample.C:
			if cfg.PID > 0 {
				if rss, _, err := procRSS(cfg.PID); err == nil {
					rep.ServerRSSMax = max(rep.ServerRSSMax, rss)
				}
			}
			continue
		case <-wait:
		}
		break
	}
	elapsed := time.Since(start)
	if cfg.PID > 0 {
		cpu1, err := procCPU(cfg.PID)
		if err != nil {
			return nil, err
		}
		rep.ServerCPUPercent = 100 * (cpu1 - cpu0).Seconds() / elapsed.Seconds()
	}
	rep.collect(viewers, elapsed)
	cancel()
	if cfg.Baseline && rep.ForwardedMbps > 0 {
		pps := rep.ForwardedPacketsPerSec
		size := int(rep.ForwardedMbps * 1e6 / 8 / pps)
		b, err := measureBaseline(context.Background(), pps, size, 5*time.Second)
		if err != nil {
			return nil, err
		}
		rep.Baseline = &b
	}
	return rep, nil
}

// login gets a bearer token from a fieldwatch hub.
func login(ctx context.Context, hc *http.Client, hub, userPass string) (string, error) {
	user, pass, ok := strings.Cut(userPass, ":")
	if !ok {
		return "", errors.New("bench: --login wants user:password")
	}
	body, _ := json.Marshal(map[string]string{"username": user, "password": pass})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hub+"/api/v1/auth/login", strings.NewReader(string(body)))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("bench: login: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 || out.Token == "" {
		return "", fmt.Errorf("bench: login as %s: %s", user, resp.Status)
	}
	return out.Token, nil
}

// startViewerRetry starts a viewer, retrying while the server answers 404
// for up to 10 s: some servers (MediaMTX) publish a path only once its
// codec parameters have arrived, a moment after WHIP succeeds. Time to
// first frame counts from the attempt that succeeded.
func startViewerRetry(ctx context.Context, api *webrtc.API, c *whip.Client, endpoint string) (*viewer, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		v, err := startViewer(ctx, api, c, endpoint)
		var se *whip.StatusError
		if err == nil || !errors.As(err, &se) || se.Code != http.StatusNotFound || time.Now().After(deadline) {
			return v, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
