package auth_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"fieldwatch/hub/auth"
	"fieldwatch/internal/errkind"
	"fieldwatch/internal/testwait"
)

const goodPassword = "mat-khau-chung-2026" // the fixture's accounts'

// hashes counts the hashes running, as Params.OnHash is told of them. Once
// armed (after the fixture's accounts are seeded), a hash that begins
// while holding is set waits for a token of gate before it runs (or, so
// that a broken pool fails the test rather than hangs it, for a deadline).
type hashes struct {
	armed   atomic.Bool
	holding atomic.Bool
	gate    chan struct{}
	mu      sync.Mutex
	cur     int
	max     int
	total   int
}

func (h *hashes) hook(delta int) {
	if !h.armed.Load() {
		return
	}
	h.mu.Lock()
	h.cur += delta
	if delta > 0 {
		h.total++
		h.max = max(h.max, h.cur)
	}
	h.mu.Unlock()
	if delta > 0 && h.holding.Load() {
		select {
		case <-h.gate:
		case <-time.After(testwait.Deadline(20 * time.Second)):
		}
	}
}

func (h *hashes) read() (cur, most, total int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.cur, h.max, h.total
}

// login posts a login as a client at addr would (addr "" keeps httptest's).
func login(ctx context.Context, f fixture, addr, username, password string) *httptest.ResponseRecorder {
	b, _ := json.Marshal(auth.LoginRequest{Username: username, Password: password})
	req := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(string(b))).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	if addr != "" {
		req.RemoteAddr = addr + ":40000"
	}
	return f.s.Serve("", req)
}

// refused checks a 429 with its code and a Retry-After of whole seconds.
func refused(t *testing.T, rec *httptest.ResponseRecorder, code string) int {
	t.Helper()
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), `"code":"`+code+`"`) {
		t.Fatalf("want 429 %s, got %d %s", code, rec.Code, rec.Body)
	}
	secs, err := strconv.Atoi(rec.Header().Get("Retry-After"))
	if err != nil || secs < 1 {
		t.Fatalf("Retry-After %q", rec.Header().Get("Retry-After"))
	}
	return secs
}

// Many logins at once never run more hashes than the pool has slots, and
// all of them get in.
func TestConcurrentLoginsAreBoundedByThePool(t *testing.T) {
	t.Parallel()
	const slots, n = 2, 40
	h := &hashes{gate: make(chan struct{})}
	f := newFixtureWith(t, func(p *auth.Params) { p.HashSlots, p.HashWait, p.OnHash = slots, time.Minute, h.hook })
	h.armed.Store(true)
	h.holding.Store(true)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, _, _, err := f.svc.LoginContext(context.Background(), "trucban.b", goodPassword, "", "")
			errs <- err
		})
	}
	testwait.For(t, 10*time.Second, "the pool's slots to fill", func() bool { cur, _, _ := h.read(); return cur >= slots })
	for range n {
		h.gate <- struct{}{}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a login failed: %v", err)
		}
	}
	if _, most, total := h.read(); most != slots || total != n {
		t.Fatalf("%d hashes at most at once (pool %d), %d in all (want %d)", most, slots, total, n)
	}
}

// A login (or a password change) that cannot get a slot within HashWait
// is refused as busy, with Retry-After, and does not hash.
func TestLoginBeyondTheWaitIsBusy(t *testing.T) {
	t.Parallel()
	h := &hashes{gate: make(chan struct{})}
	f := newFixtureWith(t, func(p *auth.Params) { p.HashSlots, p.HashWait, p.OnHash = 1, 10*time.Millisecond, h.hook })
	h.armed.Store(true)
	h.holding.Store(true)
	done := make(chan error, 1)
	go func() {
		_, _, _, err := f.svc.LoginContext(context.Background(), "admin", goodPassword, "", "")
		done <- err
	}()
	testwait.For(t, 10*time.Second, "the one slot to be taken", func() bool { cur, _, _ := h.read(); return cur >= 1 })

	refused(t, login(context.Background(), f, "", "trucban.b", goodPassword), "busy")
	status, body := f.s.Do("trucban.b", "POST", "/api/v1/me/password", map[string]any{"old": goodPassword, "new": "mot mat khau dai 2026"})
	if status != http.StatusTooManyRequests || !strings.Contains(string(body), `"code":"busy"`) {
		t.Fatalf("password change while busy: %d %s", status, body)
	}
	if _, _, total := h.read(); total != 1 {
		t.Fatalf("%d hashes began; the refused ones must not hash", total)
	}
	if f.audit.has("trucban.b auth.login_failed trucban.b") {
		t.Error("a busy refusal was audited as a failed login")
	}

	h.gate <- struct{}{}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	h.holding.Store(false)
	if rec := login(context.Background(), f, "", "trucban.b", goodPassword); rec.Code != http.StatusOK {
		t.Fatalf("a login once the pool is free: %d %s", rec.Code, rec.Body)
	}
}

// waitProbe is a context that says when someone first watches it end.
type waitProbe struct {
	context.Context
	once  sync.Once
	asked chan struct{}
}

func (c *waitProbe) Done() <-chan struct{} {
	c.once.Do(func() { close(c.asked) })
	return c.Context.Done()
}

// A login whose client has gone away does not hash, nor count as a
// failure; one that goes away while waiting for a slot stops waiting.
func TestCancelledLoginDoesNotHash(t *testing.T) {
	t.Parallel()
	h := &hashes{gate: make(chan struct{})}
	f := newFixtureWith(t, func(p *auth.Params) { p.HashSlots, p.HashWait, p.OnHash = 1, time.Minute, h.hook })
	h.armed.Store(true)

	gone, cancel := context.WithCancel(context.Background())
	cancel()
	for range 10 { // twice MaxFailures: none may count
		if rec := login(gone, f, "", "trucban.b", "sai mat khau roi"); rec.Code == http.StatusOK || rec.Code == http.StatusUnauthorized {
			t.Fatalf("a cancelled login was answered %d %s", rec.Code, rec.Body)
		}
	}
	if _, _, total := h.read(); total != 0 {
		t.Fatalf("%d hashes for cancelled logins", total)
	}
	if until := f.svc.LockedOutUntil("trucban.b"); !until.IsZero() {
		t.Fatalf("cancelled logins locked the account out until %v", until)
	}

	h.holding.Store(true)
	held := make(chan error, 1)
	go func() {
		_, _, _, err := f.svc.LoginContext(context.Background(), "admin", goodPassword, "", "")
		held <- err
	}()
	testwait.For(t, 10*time.Second, "the one slot to be taken", func() bool { cur, _, _ := h.read(); return cur >= 1 })
	inner, cancel := context.WithCancel(context.Background())
	ctx := &waitProbe{Context: inner, asked: make(chan struct{})}
	waiting := make(chan error, 1)
	go func() {
		_, _, _, err := f.svc.LoginContext(ctx, "trucban.b", goodPassword, "", "")
		waiting <- err
	}()
	select { // the login waits for the slot, watching its context
	case <-ctx.asked:
	case <-time.After(testwait.Deadline(10 * time.Second)):
		t.Fatal("a login waiting for a slot does not watch its request's context")
	}
	cancel()
	select { // the slot is still held: only the cancellation can end the wait
	case err := <-waiting:
		if !errkind.Is(err, errkind.Interrupted) {
			t.Fatalf("a login cancelled while waiting: %v", err)
		}
	case <-time.After(testwait.Deadline(10 * time.Second)):
		t.Fatal("a cancelled login kept waiting for a slot")
	}
	h.holding.Store(false)
	h.gate <- struct{}{}
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if _, _, total := h.read(); total != 1 {
		t.Fatalf("%d hashes; only the login that held the slot should have hashed", total)
	}
	if rec := login(context.Background(), f, "", "trucban.b", goodPassword); rec.Code != http.StatusOK {
		t.Fatalf("a normal login: %d %s", rec.Code, rec.Body)
	}
}

// Each address has its bucket of logins; beyond it, 429 without hashing.
// Other addresses are not affected.
func TestLoginsPerAddressAreLimited(t *testing.T) {
	t.Parallel()
	h := &hashes{}
	f := newFixtureWith(t, func(p *auth.Params) {
		p.LoginRate, p.LoginBurst, p.OnHash = rate.Every(time.Hour), 3, h.hook
	})
	h.armed.Store(true)
	for i := range 3 {
		if rec := login(context.Background(), f, "198.51.100.7", "trucban.b", goodPassword); rec.Code != http.StatusOK {
			t.Fatalf("login %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	if secs := refused(t, login(context.Background(), f, "198.51.100.7", "trucban.b", goodPassword), "rate_limited"); secs > 3600 {
		t.Errorf("Retry-After %d s for a bucket refilled hourly", secs)
	}
	if _, _, total := h.read(); total != 3 {
		t.Fatalf("%d hashes; the refused login must not hash", total)
	}
	if rec := login(context.Background(), f, "198.51.100.8", "trucban.b", goodPassword); rec.Code != http.StatusOK {
		t.Fatalf("another address: %d %s", rec.Code, rec.Body)
	}
}

// The per-name lockout still answers 429, and now says when to come back.
func TestLockoutSaysWhenToComeBack(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for range 5 {
		if rec := login(context.Background(), f, "", "trucban.b", "sai mat khau roi"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("wrong password: %d %s", rec.Code, rec.Body)
		}
	}
	if secs := refused(t, login(context.Background(), f, "", "trucban.b", goodPassword), "locked"); secs != 30 {
		t.Errorf("Retry-After %d s, the first lockout being 30 s", secs)
	}
}
