package syncer

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// PacerConfig says how fast the sync agent may go.
type PacerConfig struct {
	// MaxKbps is a hard cap (0 = none).
	MaxKbps float64
	// LinkKbps is the uplink's known capacity (0 = unknown). When known, sync
	// takes what the live streams leave, minus Headroom.
	LinkKbps float64
	// Headroom is the share of the link kept free (default 0.05).
	Headroom float64
	// Live reports the live streams' current bitrate in kbit/s.
	Live func() float64
	// RTT reports the link's latest round-trip time and when it was measured
	// (zero = unknown). With no LinkKbps, the pacer backs off when it rises
	// above its floor: sync is then filling the link's queue, which would
	// delay and drop live media.
	RTT func() (time.Duration, time.Time)
	// Loss reports the live video loss the hub last reported (percent) and
	// when. Fresh loss above 1% makes the pacer back off in every mode: sync
	// must never be why live video drops. Optional.
	Loss func() (float64, time.Time)
	// Interval between adjustments (default 500 ms).
	Interval time.Duration
}

// minKbps keeps sync moving even on a congested link (one 16 KiB chunk every ~2 s).
const minKbps = 64

// Pacer limits the upload rate so the live stream keeps its share.
type Pacer struct {
	cfg PacerConfig
	lim *rate.Limiter

	mu      sync.Mutex
	limit   float64 // kbit/s; +Inf = unlimited
	liveEst float64 // live bitrate, remembered through outages (decays slowly)
	factor  float64 // share of the link formula allowed now, cut on live loss
	lossAt  time.Time
	rttMin  time.Duration
	rttSeen time.Time
	lastAt  time.Time // the last sample used
}

// NewPacer makes a pacer; Run keeps it adjusted.
func NewPacer(cfg PacerConfig) *Pacer {
	if cfg.Headroom <= 0 {
		cfg.Headroom = 0.05
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 500 * time.Millisecond
	}
	p := &Pacer{cfg: cfg, lim: rate.NewLimiter(rate.Inf, chunk), limit: math.Inf(1), factor: 1}
	switch {
	case cfg.LinkKbps > 0:
		p.set(p.fromLink())
	case cfg.RTT != nil:
		p.set(min(1000, p.cap()))
	default:
		p.set(p.cap())
	}
	return p
}

func (p *Pacer) cap() float64 {
	if p.cfg.MaxKbps > 0 {
		return p.cfg.MaxKbps
	}
	return math.Inf(1)
}

// fromLink is what the link leaves for sync. The live rate is remembered
// through an outage (it decays with a half-life of about a minute): when
// the link returns, live video comes back at once and must find its room.
func (p *Pacer) fromLink() float64 {
	live := 0.0
	if p.cfg.Live != nil {
		live = p.cfg.Live()
	}
	p.mu.Lock()
	p.liveEst = max(live, p.liveEst*0.995)
	live = p.liveEst
	p.mu.Unlock()
	return min(max(p.cfg.LinkKbps*(1-p.cfg.Headroom)-live*1.1, minKbps), p.cap())
}

func (p *Pacer) set(kbps float64) {
	p.mu.Lock()
	p.limit = kbps
	p.mu.Unlock()
	if math.IsInf(kbps, 1) {
		p.lim.SetLimit(rate.Inf)
		return
	}
	p.lim.SetLimit(rate.Limit(kbps * 1000 / 8))
}

// LimitKbps is the rate allowed now; 0 = unlimited.
func (p *Pacer) LimitKbps() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if math.IsInf(p.limit, 1) {
		return 0
	}
	return p.limit
}

// Wait blocks until n more bytes may be sent.
func (p *Pacer) Wait(ctx context.Context, n int) error { return p.lim.WaitN(ctx, n) }

// Run adjusts the rate until ctx ends.
func (p *Pacer) Run(ctx context.Context) {
	if p.cfg.LinkKbps <= 0 && p.cfg.RTT == nil {
		return
	}
	t := time.NewTicker(p.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			p.adjust(now)
		}
	}
}

// lossFactor cuts the link share by 30% on a fresh report of live loss above
// 1% (at most once a second: one event is reported more than once), and
// gives 10% back per adjustment without loss.
func (p *Pacer) lossFactor() float64 {
	if p.cfg.Loss == nil {
		return 1
	}
	loss, at := p.cfg.Loss()
	p.mu.Lock()
	defer p.mu.Unlock()
	if at.After(p.lossAt) {
		fresh := at.Sub(p.lossAt) >= time.Second
		if loss > 1 && fresh {
			p.lossAt = at
			p.factor = max(p.factor*0.7, 0.05)
			return p.factor
		}
		if loss <= 1 {
			p.lossAt = at
		}
	}
	p.factor = min(p.factor*1.1, 1)
	return p.factor
}

// Delay-based mode: the queueing delay sync may add before it backs off.
const (
	targetDelay = 60 * time.Millisecond
	rttWindow   = 30 * time.Second
)

func (p *Pacer) adjust(now time.Time) {
	if p.cfg.LinkKbps > 0 {
		p.set(max(p.fromLink()*p.lossFactor(), minKbps))
		return
	}
	rtt, at := p.cfg.RTT()
	p.mu.Lock()
	fresh := rtt > 0 && at.After(p.lastAt)
	if fresh {
		p.lastAt = at
		if p.rttMin == 0 || rtt < p.rttMin || now.Sub(p.rttSeen) > rttWindow {
			p.rttMin, p.rttSeen = rtt, now
		}
	}
	cur, floor := p.limit, p.rttMin
	p.mu.Unlock()
	if !fresh {
		return // no news of the link (or it is down): hold the rate
	}
	if math.IsInf(cur, 1) {
		cur = 1000
	}
	// Queueing delay beyond the target (and beyond half the base RTT, for long links) means sync is filling the queue.
	if rtt > floor+max(targetDelay, floor/2) || p.lossFactor() < 1 {
		p.set(max(cur*0.7, minKbps))
	} else {
		p.set(min(cur*1.25+minKbps, p.cap(), 1e6))
	}
}
