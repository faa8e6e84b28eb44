package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/webrtc/v4"

	"fieldwatch/protocol/whip"
)

// Limits of the run's concurrency.
const (
	signalParallel = 8 // WHEP offers and DELETEs in flight at once
	rssInterval    = 500 * time.Millisecond
)

// Main runs `fieldwatch bench live ARGS`: it prints the report to stdout
// and returns an error when the run could not be made or any publisher or
// viewer failed.
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
		err = rep.WriteText(stdout)
	}
	if err != nil {
		return fmt.Errorf("bench: write report: %w", err)
	}
	if rep.failed() {
		return fmt.Errorf("bench: %d of %d publishers and %d of %d viewers failed",
			rep.Publishers.Failed, rep.Publishers.Wanted, rep.Viewers.Failed, rep.Viewers.Wanted)
	}
	return nil
}

// Run makes one bench run: publishers, then viewers, warm-up, the measured
// window, teardown (every session DELETEd), then the UDP baseline.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	rep := &Report{
		Run: runInfo{
			Hub: cfg.Hub, Publishers: cfg.Publishers, ViewersPerStream: cfg.Viewers,
			WHIPPath: cfg.WHIPPath, WHEPPath: cfg.WHEPPath, Loopback: cfg.Loopback,
			WarmupSec: cfg.Warmup.Seconds(),
		},
		Publishers: count{Wanted: cfg.Publishers},
		Viewers:    count{Wanted: cfg.Publishers * cfg.Viewers},
	}
	hc := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 2 * signalParallel}}
	defer hc.CloseIdleConnections()
	if cfg.Login != "" && cfg.WHEPToken == "" {
		tok, err := login(ctx, hc, cfg.Hub, cfg.Login)
		if err != nil {
			return nil, err
		}
		cfg.WHEPToken = tok
	}
	api, err := newViewerAPI(cfg.Loopback)
	if err != nil {
		return nil, err
	}

	var rss *rssSampler
	if cfg.PID > 0 {
		if _, err := procCPU(cfg.PID); err != nil {
			return nil, err
		}
		rss = startRSSSampler(ctx, cfg.PID, rssInterval)
		defer func() { _, _ = rss.stop() }()
		rep.Server = &serverStats{PID: cfg.PID}
	}

	// Publishers first, on their own context: they stop after the viewers.
	pctx, stopPublishers := context.WithCancel(ctx)
	pubs := make([]*publisher, cfg.Publishers)
	for i := range pubs {
		n := i + 1
		pubs[i] = newPublisher(cfg.whipURL(n), expand(cfg.WHIPToken, n), cfg.Loopback, hc, log.With("publisher", n))
		pubs[i].start(pctx)
	}
	defer func() {
		stopPublishers()
		for _, p := range pubs {
			p.wait()
		}
	}()
	up := waitPublishers(ctx, pubs, cfg.ConnectTimeout)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}

	viewers := startViewers(ctx, api, hc, &cfg, up, log)
	defer func() { closeViewers(viewers) }()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err := sleepCtx(ctx, cfg.Warmup); err != nil {
		return nil, err
	}

	measured, err := measureWindow(ctx, &cfg, viewers, rep)
	if err != nil {
		return nil, err
	}
	countPublishers(rep, pubs, up)
	rep.collect(viewers, measured)
	rep.Viewers.Failed = rep.Viewers.Wanted - rep.Viewers.Up

	// Teardown: viewers, then publishers (both DELETE their sessions), so
	// that the baseline below runs alone.
	rep.ViewerDeleteFailures = closeViewers(viewers)
	viewers = nil
	stopPublishers()
	for _, p := range pubs {
		p.wait()
	}
	pubs = nil
	if rss != nil {
		// The peak covers start-up, the run and teardown.
		peak, err := rss.stop()
		if err != nil {
			log.Warn("server memory sample failed", "pid", cfg.PID, "err", err)
		}
		rep.Server.RSSPeak = peak
	}
	if cfg.Baseline && rep.ForwardedPacketsPerSec > 0 {
		size := int(rep.ForwardedMbps * 1e6 / 8 / rep.ForwardedPacketsPerSec)
		b, err := measureBaseline(ctx, rep.ForwardedPacketsPerSec, size, cfg.BaselineDuration)
		if err != nil {
			log.Warn("no UDP baseline", "err", err)
		} else {
			rep.Baseline = &b
		}
	}
	rep.finish()
	return rep, nil
}

// measureWindow restarts the viewers' counters, waits cfg.Duration, and
// fills in the CPU use of this process and of the server over that window.
func measureWindow(ctx context.Context, cfg *Config, viewers []*viewer, rep *Report) (time.Duration, error) {
	for _, v := range viewers {
		v.startMeasuring()
	}
	var srv0 time.Duration
	var err error
	if cfg.PID > 0 {
		if srv0, err = procCPU(cfg.PID); err != nil {
			return 0, err
		}
	}
	self0, err := selfCPU()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if err := sleepCtx(ctx, cfg.Duration); err != nil {
		return 0, err
	}
	measured := time.Since(start)
	self1, err := selfCPU()
	if err != nil {
		return 0, err
	}
	rep.BenchCPUPercent = 100 * (self1 - self0).Seconds() / measured.Seconds()
	if cfg.PID > 0 {
		srv1, err := procCPU(cfg.PID)
		if err != nil {
			return 0, err
		}
		rep.Server.CPUPercent = 100 * (srv1 - srv0).Seconds() / measured.Seconds()
	}
	rep.Run.MeasuredSec = measured.Seconds()
	return measured, nil
}

// countPublishers counts the publishers up at the start and still
// connected at the end of the measured window, and their reconnects.
func countPublishers(rep *Report, pubs []*publisher, up []bool) {
	for i, p := range pubs {
		st := p.pub.State()
		switch {
		case up[i] && p.connected():
			rep.Publishers.Up++
		case up[i]:
			rep.Publishers.Failed++
			p.log.Warn("publisher lost its session", "phase", st.Phase, "last_error", st.LastError)
		default:
			rep.Publishers.Failed++
		}
		rep.PublisherReconnects += max(st.Sessions-1, 0)
	}
}

// waitPublishers waits, in parallel, until each publisher is up or timeout
// passes; up[i] tells which are.
func waitPublishers(ctx context.Context, pubs []*publisher, timeout time.Duration) []bool {
	up := make([]bool, len(pubs))
	var wg sync.WaitGroup
	for i, p := range pubs {
		wg.Go(func() { up[i] = p.waitConnected(ctx, timeout) })
	}
	wg.Wait()
	return up
}

// startViewers starts cfg.Viewers viewers on each stream that is up, a few
// offers at a time. Viewers of a stream whose publisher is down are not
// tried (they count as failed); viewers that cannot start are logged.
func startViewers(ctx context.Context, api *webrtc.API, hc *http.Client, cfg *Config, up []bool, log *slog.Logger) []*viewer {
	var (
		mu      sync.Mutex
		viewers []*viewer
		wg      sync.WaitGroup
	)
	sem := make(chan struct{}, signalParallel)
	for i, ok := range up {
		n := i + 1
		if !ok {
			log.Warn("stream down: its viewers are not started", "stream", n, "viewers", cfg.Viewers)
			continue
		}
		c := &whip.Client{HTTP: hc, Token: expand(cfg.WHEPToken, n)}
		for k := range cfg.Viewers {
			vlog := log.With("stream", n, "viewer", k+1)
			wg.Go(func() {
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					return
				}
				defer func() { <-sem }()
				v, err := startViewerRetry(ctx, api, c, cfg.whepURL(n), vlog)
				if err != nil {
					vlog.Warn("viewer failed to start", "err", err)
					return
				}
				mu.Lock()
				viewers = append(viewers, v)
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	return viewers
}

// closeViewers DELETEs every viewer's session and closes it, a few at a
// time, and returns how many DELETEs failed.
func closeViewers(viewers []*viewer) int {
	var wg sync.WaitGroup
	var failed atomic.Int64
	sem := make(chan struct{}, signalParallel)
	for _, v := range viewers {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if v.close() != nil {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	return int(failed.Load())
}

// sleepCtx waits for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
