// Package syncer is the vehicle's sync agent: it uploads closed segments
// from the recorder to the hub's archive, oldest first, resumable within a
// segment (HEAD for the hub's offset, PATCH from there), idempotent, and
// paced so that it never starves the live stream.
package syncer

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"fieldwatch/internal/backoff"
	"fieldwatch/protocol/evidence"
	"fieldwatch/vehicle/recorder"
)

// Header names of the sync protocol (shared with the hub).
const (
	HeaderManifest = "Fieldwatch-Manifest" // base64 of the segment's manifest JSON
	HeaderOffset   = "Upload-Offset"       // bytes the hub holds / where a PATCH starts
	HeaderComplete = "Upload-Complete"     // "?1" once verified and archived
)

// Params configure the agent.
type Params struct {
	Hub     string // base URL
	Vehicle string
	Token   string
	// HTTP carries the uploads; it must not have an overall timeout (segments take a while on slow links).
	HTTP     *http.Client
	Recorder Source
	Pace     *Pacer
	// Stall aborts an upload that made no progress for this long (default 15 s).
	Stall time.Duration
	// Parallel is how many segments are uploaded at once (default 2).
	Parallel int
	Logger   *slog.Logger
}

// Source is where segments come from: the recorder.
type Source interface {
	// Pending lists what the hub does not have yet, in upload order.
	Pending() []recorder.Segment
	// Confirmed is told when the hub holds a segment.
	Confirmed(camera string, seq uint64) error
	// Changed is signalled when there may be something new to send.
	Changed() <-chan struct{}
	// PublicKey is the key the segments are signed with.
	PublicKey() ed25519.PublicKey
}

// State is the agent's progress, for telemetry.
type State struct {
	Uploading     bool
	RateKbps      float64
	LimitKbps     float64
	LastError     string
	SegmentsSent  uint64
	BytesSent     uint64
	LastConfirmed time.Time
}

// Syncer is the sync agent.
type Syncer struct {
	p   Params
	log *slog.Logger

	mu        sync.Mutex
	st        State
	rejected  map[string]bool // segments the hub refused; retried after a restart only
	tried     map[string]bool // segments already attempted: their offset at the hub must be asked
	uploading int
	window    rateWindow
}

// New makes an agent; Run runs it.
func New(p Params) *Syncer {
	if p.Stall <= 0 {
		p.Stall = 15 * time.Second
	}
	if p.Parallel <= 0 {
		p.Parallel = 2
	}
	if p.Pace == nil {
		p.Pace = NewPacer(PacerConfig{})
	}
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	p.Hub = strings.TrimRight(p.Hub, "/")
	return &Syncer{p: p, log: p.Logger, rejected: map[string]bool{}, tried: map[string]bool{}}
}

// State reports progress.
func (s *Syncer) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	st.Uploading = s.uploading > 0
	st.RateKbps = s.window.kbps(time.Now())
	st.LimitKbps = s.p.Pace.LimitKbps()
	return st
}

func (s *Syncer) setErr(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		s.st.LastError = ""
		return
	}
	msg := err.Error()
	if len(msg) > 400 {
		msg = msg[:400]
	}
	s.st.LastError = msg
}

// Run uploads until ctx ends.
func (s *Syncer) Run(ctx context.Context) error {
	retry := backoff.New(retryPolicy)
	for ctx.Err() == nil {
		if err := s.registerKey(ctx); err != nil {
			s.setErr(err)
			s.log.Warn("sync: register signing key", "err", err)
			if !sleep(ctx, retry.Next()) {
				return nil
			}
			continue
		}
		break
	}
	retry.Reset()
	for ctx.Err() == nil {
		worked, err := s.pass(ctx)
		if err != nil {
			s.setErr(err)
			if ctx.Err() == nil {
				s.log.Debug("sync: pass failed", "err", err)
			}
			if !sleep(ctx, retry.Next()) {
				return nil
			}
			continue
		}
		retry.Reset()
		if !worked {
			select {
			case <-ctx.Done():
			case <-s.p.Recorder.Changed():
			case <-time.After(5 * time.Second):
			}
		}
	}
	return nil
}

// pass sends every pending segment once, oldest first, up to Parallel at a
// time (one streams while the hub syncs another to disk); it reports
// whether it did anything.
func (s *Syncer) pass(ctx context.Context) (bool, error) {
	pending := s.p.Recorder.Pending()
	par := s.p.Parallel
	if s.p.Pace.LimitKbps() > 0 {
		par = 1 // a paced link: one stream, in small writes, keeps the bottleneck queue short
	}
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	worked := false
	for _, seg := range pending {
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed || ctx.Err() != nil {
			break
		}
		s.mu.Lock()
		skip := s.rejected[segName(&seg.Manifest)]
		s.mu.Unlock()
		if skip {
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ok, err := s.one(ctx, seg)
			mu.Lock()
			worked = worked || ok
			if err != nil && firstErr == nil {
				firstErr = err
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return worked, firstErr
}

// one sends one segment (or a lost segment's manifest) and tells the recorder.
func (s *Syncer) one(ctx context.Context, seg recorder.Segment) (bool, error) {
	id := segName(&seg.Manifest)
	var err error
	if seg.State == recorder.StateLost {
		err = s.sendLost(ctx, &seg.Manifest)
	} else {
		err = s.upload(ctx, seg)
	}
	var rej *rejectedError
	if errors.As(err, &rej) {
		s.log.Error("sync: hub rejected a segment", "segment", id, "err", err)
		s.mu.Lock()
		s.rejected[id] = true
		s.mu.Unlock()
		s.setErr(err)
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := s.p.Recorder.Confirmed(seg.Manifest.Camera, seg.Manifest.Seq); err != nil {
		return false, err
	}
	s.mu.Lock()
	s.st.SegmentsSent++
	s.st.LastConfirmed = time.Now()
	s.mu.Unlock()
	s.setErr(nil)
	return true, nil
}

func segName(m *evidence.Manifest) string {
	return m.Camera + "/" + strconv.FormatUint(m.Seq, 10)
}

// rejectedError: the hub refused the segment for what it is (not for a transient reason).
type rejectedError struct {
	status int
	msg    string
}

func (e *rejectedError) Error() string { return fmt.Sprintf("hub refused (%d): %s", e.status, e.msg) }

func (s *Syncer) url(m *evidence.Manifest, suffix string) string {
	return fmt.Sprintf("%s/api/v1/sync/%s/%s/%d%s", s.p.Hub, m.Vehicle, m.Camera, m.Seq, suffix)
}

func (s *Syncer) request(ctx context.Context, method, url string, m *evidence.Manifest, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+s.p.Token)
	if m != nil {
		raw, _ := json.Marshal(m)
		req.Header.Set(HeaderManifest, base64.StdEncoding.EncodeToString(raw))
	}
	return req, nil
}

// do sends a request and classifies the answer.
func (s *Syncer) do(req *http.Request) (*http.Response, error) {
	resp, err := s.p.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 300 || resp.StatusCode == http.StatusConflict {
		return resp, nil
	}
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusUnprocessableEntity, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		return nil, &rejectedError{resp.StatusCode, strings.TrimSpace(string(msg))}
	}
	return nil, fmt.Errorf("hub answered %d: %s", resp.StatusCode, strings.TrimSpace(string(msg)))
}

func (s *Syncer) registerKey(ctx context.Context) error {
	body, _ := json.Marshal(map[string]string{"public_key": evidence.EncodeKey(s.p.Recorder.PublicKey())})
	req, err := s.request(ctx, http.MethodPut, s.p.Hub+"/api/v1/sync/key", nil, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusConflict {
		return errors.New("the hub holds a different signing key for this vehicle: an administrator must reset it")
	}
	return nil
}

func (s *Syncer) sendLost(ctx context.Context, m *evidence.Manifest) error {
	req, err := s.request(ctx, http.MethodPost, s.url(m, "/lost"), m, nil)
	if err != nil {
		return err
	}
	resp, err := s.do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// offset asks the hub how much of the segment it holds.
func (s *Syncer) offset(ctx context.Context, m *evidence.Manifest) (int64, bool, error) {
	req, err := s.request(ctx, http.MethodHead, s.url(m, ""), m, nil)
	if err != nil {
		return 0, false, err
	}
	resp, err := s.do(req)
	if err != nil {
		return 0, false, err
	}
	resp.Body.Close()
	return parseOffset(resp)
}

func parseOffset(resp *http.Response) (int64, bool, error) {
	off, err := strconv.ParseInt(resp.Header.Get(HeaderOffset), 10, 64)
	if err != nil || off < 0 {
		return 0, false, fmt.Errorf("hub sent a bad %s %q", HeaderOffset, resp.Header.Get(HeaderOffset))
	}
	return off, resp.Header.Get(HeaderComplete) == "?1", nil
}

// upload sends a segment from where the hub stands. A segment not tried
// before is sent from its first byte at once (the hub answers 409 with its
// offset if it has some of it); after a failure the hub is asked first.
func (s *Syncer) upload(ctx context.Context, seg recorder.Segment) error {
	m := &seg.Manifest
	id := segName(m)
	s.mu.Lock()
	tried := s.tried[id]
	s.tried[id] = true
	s.mu.Unlock()
	var off int64
	if tried {
		var done bool
		var err error
		off, done, err = s.offset(ctx, m)
		if err != nil || done {
			return err
		}
	}
	err := s.send(ctx, seg, off)
	var conflict *offsetConflict
	if errors.As(err, &conflict) {
		err = s.send(ctx, seg, conflict.offset)
	}
	if err == nil {
		s.mu.Lock()
		delete(s.tried, id)
		s.mu.Unlock()
	}
	return err
}

// offsetConflict: the hub holds a different number of bytes than assumed.
type offsetConflict struct{ offset int64 }

func (e *offsetConflict) Error() string { return fmt.Sprintf("hub holds %d bytes", e.offset) }

// send PATCHes the segment's bytes from off.
func (s *Syncer) send(ctx context.Context, seg recorder.Segment, off int64) error {
	m := &seg.Manifest
	if off > m.Size {
		return &rejectedError{http.StatusConflict, fmt.Sprintf("hub holds %d bytes of a %d-byte segment", off, m.Size)}
	}
	f, err := os.Open(seg.Path)
	if err != nil {
		return &rejectedError{0, fmt.Sprintf("segment file unreadable: %v", err)}
	}
	defer f.Close()
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return err
	}
	s.mu.Lock()
	s.uploading++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.uploading--
		s.mu.Unlock()
	}()
	rctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	body := &pacedReader{ctx: rctx, r: io.LimitReader(f, m.Size-off), pace: s.p.Pace, onRead: s.sent}
	stop := watchStall(rctx, cancel, body, s.p.Stall)
	defer stop()
	req, err := s.request(rctx, http.MethodPatch, s.url(m, ""), m, body)
	if err != nil {
		return err
	}
	req.ContentLength = m.Size - off
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set(HeaderOffset, strconv.FormatInt(off, 10))
	resp, err := s.do(req)
	if err != nil {
		if c := context.Cause(rctx); c != nil && ctx.Err() == nil {
			return c
		}
		return err
	}
	defer resp.Body.Close()
	got, done, err := parseOffset(resp)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusConflict && got != off {
		return &offsetConflict{got}
	}
	if resp.StatusCode == http.StatusConflict || !done {
		return fmt.Errorf("segment %s not complete at the hub yet (status %d)", segName(m), resp.StatusCode)
	}
	return nil
}

func (s *Syncer) sent(n int) {
	s.mu.Lock()
	s.st.BytesSent += uint64(n)
	s.window.add(time.Now(), n)
	s.mu.Unlock()
}

// pacedReader reads the body at the pace's rate.
type pacedReader struct {
	ctx    context.Context
	r      io.Reader
	pace   *Pacer
	onRead func(int)

	mu   sync.Mutex
	last time.Time
}

const chunk = 8 << 10

func (p *pacedReader) Read(b []byte) (int, error) {
	if len(b) > chunk {
		b = b[:chunk]
	}
	n, err := p.r.Read(b)
	if n > 0 {
		if werr := p.pace.Wait(p.ctx, n); werr != nil {
			return 0, werr
		}
		p.onRead(n)
		p.mu.Lock()
		p.last = time.Now()
		p.mu.Unlock()
	}
	return n, err
}

func (p *pacedReader) lastProgress() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}

// watchStall cancels an upload that has not moved for stall.
func watchStall(ctx context.Context, cancel context.CancelCauseFunc, body *pacedReader, stall time.Duration) func() {
	done := make(chan struct{})
	body.mu.Lock()
	body.last = time.Now()
	body.mu.Unlock()
	go func() {
		t := time.NewTicker(stall / 4)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case now := <-t.C:
				if now.Sub(body.lastProgress()) > stall {
					cancel(fmt.Errorf("upload stalled for %s", stall))
					return
				}
			}
		}
	}()
	return func() { close(done) }
}

// retryPolicy is full-jitter exponential from 200 ms, capped at 1 s: links
// come back often and quickly, and a retry costs one refused dial while the
// link is down.
var retryPolicy = backoff.Policy{Base: 200 * time.Millisecond, Max: time.Second, Jitter: 1, Floor: 50 * time.Millisecond}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// rateWindow measures throughput over the last few seconds.
type rateWindow struct {
	buckets [5]struct {
		sec   int64
		bytes int
	}
}

func (w *rateWindow) add(now time.Time, n int) {
	sec := now.Unix()
	b := &w.buckets[sec%int64(len(w.buckets))]
	if b.sec != sec {
		b.sec, b.bytes = sec, 0
	}
	b.bytes += n
}

func (w *rateWindow) kbps(now time.Time) float64 {
	sec := now.Unix()
	total := 0
	for _, b := range w.buckets {
		if b.sec > sec-int64(len(w.buckets)) && b.sec < sec {
			total += b.bytes
		}
	}
	return float64(total) * 8 / 1000 / float64(len(w.buckets)-1)
}

// HTTPClient is the client uploads should use: no overall timeout (the
// agent detects stalls), big write buffers, dial through dial if not nil.
func HTTPClient(dial func(ctx context.Context, network, addr string) (net.Conn, error), tlsConfig *tls.Config) *http.Client {
	tr := &http.Transport{
		TLSClientConfig: tlsConfig,
		Proxy:           http.ProxyFromEnvironment, DialContext: dial, MaxIdleConnsPerHost: 2,
		WriteBufferSize: 8 << 10, ReadBufferSize: 16 << 10, TLSHandshakeTimeout: 15 * time.Second,
		ResponseHeaderTimeout: 2 * time.Minute, IdleConnTimeout: 90 * time.Second, ForceAttemptHTTP2: false,
	}
	return &http.Client{Transport: tr}
}
