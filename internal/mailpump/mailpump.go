// Package mailpump sends one end's reliable messages over one control
// connection, go-back-N: everything pending on connect, new messages when
// woken, at most Window unacknowledged in flight, and again from the
// first unacknowledged one when the receiver repeats an ack (it found a
// gap) or nothing is acknowledged for ResendAfter. The hub and the vehicle
// each run one per connection.
package mailpump

import (
	"sync"
	"time"

	"fieldwatch/protocol"
)

// Defaults.
const (
	Window      = 64
	ResendAfter = 3 * time.Second
)

// Pump is one connection's sender.
type Pump struct {
	// Pending returns up to limit unacknowledged messages, oldest first.
	Pending func(limit int) ([]protocol.Message, error)
	// Send writes one message to the connection.
	Send func(protocol.Message) error
	// Wake is signalled when a message is queued.
	Wake <-chan struct{}
	// OnError is told about a failure to read the queue. Optional.
	OnError func(error)
	// ResendAfter overrides the default.
	ResendAfter time.Duration

	mu      sync.Mutex
	acked   uint64 // highest cumulative ack seen
	repeats int    // times acked was repeated
	news    chan struct{}
}

// Acked records the receiver's cumulative ack (call it from the reader).
func (p *Pump) Acked(seq uint64) {
	p.mu.Lock()
	switch {
	case seq > p.acked:
		p.acked, p.repeats = seq, 0
	case seq == p.acked:
		p.repeats++
	}
	ch := p.newsChan()
	p.mu.Unlock()
	select {
	case ch <- struct{}{}:
	default:
	}
}

func (p *Pump) newsChan() chan struct{} {
	if p.news == nil {
		p.news = make(chan struct{}, 1)
	}
	return p.news
}

// Run sends until stop closes or a send fails.
func (p *Pump) Run(stop <-chan struct{}) {
	p.mu.Lock()
	news := p.newsChan()
	p.mu.Unlock()
	resend := p.ResendAfter
	if resend <= 0 {
		resend = ResendAfter
	}
	var sentUpTo, progress uint64
	timer := time.NewTimer(resend)
	defer timer.Stop()
	for {
		pending, err := p.Pending(Window)
		if err != nil && p.OnError != nil {
			p.OnError(err)
		}
		for _, m := range pending {
			if m.Seq <= sentUpTo {
				continue
			}
			if err := p.Send(m); err != nil {
				return // the connection's reader sees it broken
			}
			sentUpTo = m.Seq
		}
		p.mu.Lock()
		acked, repeats := p.acked, p.repeats
		if repeats >= 2 && acked < sentUpTo {
			// The receiver keeps asking for what follows acked: go back.
			p.repeats = 0
			p.mu.Unlock()
			sentUpTo = acked
			continue
		}
		p.mu.Unlock()
		if acked != progress || len(pending) == 0 {
			progress = acked
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
			timer.Reset(resend)
		}
		select {
		case <-stop:
			return
		case <-p.Wake:
		case <-news:
		case <-timer.C:
			sentUpTo = 0 // nothing acknowledged for a while: from the first unacknowledged again
			timer.Reset(resend)
		}
	}
}
