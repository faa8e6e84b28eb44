package mailpump

import (
	"sync"
	"testing"
	"time"

	"fieldwatch/protocol"
)

// queue is an outbox stand-in: messages 1..n, dropped when acknowledged.
type queue struct {
	mu    sync.Mutex
	first uint64
	last  uint64
	sent  []uint64
}

func (q *queue) pending(limit int) ([]protocol.Message, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []protocol.Message
	for s := q.first; s <= q.last && len(out) < limit; s++ {
		out = append(out, protocol.Message{Seq: s})
	}
	return out, nil
}

func (q *queue) ack(seq uint64) {
	q.mu.Lock()
	q.first = max(q.first, seq+1)
	q.mu.Unlock()
}

func (q *queue) log() []uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]uint64(nil), q.sent...)
}

// The pump keeps a window in flight, moves on with acks, goes back when
// the receiver repeats an ack and when nothing is acknowledged for a while.
func TestPumpWindowAckGoBack(t *testing.T) {
	q := &queue{first: 1, last: 100}
	delivered := make(chan uint64, 1000)
	p := &Pump{Pending: q.pending, Wake: make(chan struct{}), ResendAfter: 200 * time.Millisecond,
		Send: func(m protocol.Message) error {
			q.mu.Lock()
			q.sent = append(q.sent, m.Seq)
			q.mu.Unlock()
			delivered <- m.Seq
			return nil
		}}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { defer close(done); p.Run(stop) }()
	defer func() { close(stop); <-done }()

	recv := func(n int) []uint64 {
		var got []uint64
		for range n {
			select {
			case s := <-delivered:
				got = append(got, s)
			case <-time.After(2 * time.Second):
				t.Fatalf("only %d of %d sent: %v", len(got), n, got)
			}
		}
		return got
	}
	if got := recv(Window); got[0] != 1 || got[Window-1] != Window {
		t.Fatalf("first window %v", got)
	}
	select {
	case s := <-delivered:
		t.Fatalf("sent %d beyond the window", s)
	case <-time.After(50 * time.Millisecond):
	}
	// Acks move the window.
	q.ack(10)
	p.Acked(10)
	if got := recv(10); got[0] != Window+1 || got[9] != Window+10 {
		t.Fatalf("after ack 10: %v", got)
	}
	// The receiver lost 11 and repeats its ack: go back to 11.
	p.Acked(10)
	p.Acked(10)
	if got := recv(1); got[0] != 11 {
		t.Fatalf("after repeated acks: %v", got)
	}
	drain := func() {
		for {
			select {
			case <-delivered:
			case <-time.After(30 * time.Millisecond):
				return
			}
		}
	}
	drain()
	// Silence: everything unacknowledged again after ResendAfter.
	start := time.Now()
	if got := recv(1); got[0] != 11 || time.Since(start) < 100*time.Millisecond {
		t.Fatalf("resend %v after %v", got, time.Since(start))
	}
	drain()
	q.ack(100)
	p.Acked(100)
	time.Sleep(300 * time.Millisecond)
	select {
	case s := <-delivered:
		t.Fatalf("sent %d after everything was acknowledged", s)
	default:
	}
}
