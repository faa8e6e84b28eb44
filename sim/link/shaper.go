package link

import (
	"net"
	"sync"
	"time"
)

// shaper models a rate-limited uplink with one FIFO queue of bounded size
// (like tc's tbf): UDP packets that find the queue full are dropped; TCP
// writes wait for room, as TCP's own congestion control keeps the queue
// full. Both share the rate, so a bulk upload that fills the queue delays
// and drops live media — unless it is paced below the spare capacity.
type shaper struct {
	mu        sync.Mutex
	bytesPerS float64
	limit     int // queue bytes
	tail      time.Time
	udp       chan pending
	dropped   uint64
	passed    uint64
	udpBytes  uint64
	tcpBytes  uint64
}

type pending struct {
	at   time.Time
	send func()
}

func newShaper(kbps float64, queueBytes int) *shaper {
	s := &shaper{bytesPerS: kbps * 1000 / 8, limit: queueBytes, udp: make(chan pending, 4096)}
	go s.run()
	return s
}

// run sends queued UDP packets at their departure time, in order.
func (s *shaper) run() {
	for p := range s.udp {
		if d := time.Until(p.at); d > 0 {
			time.Sleep(d)
		}
		p.send()
	}
}

// reserve books n bytes on the link; it returns the departure time, or false
// when the queue is full (drop is true for packets that are dropped then).
func (s *shaper) reserve(n int, drop bool) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	start := now
	if s.tail.After(now) {
		start = s.tail
	}
	queued := start.Sub(now).Seconds() * s.bytesPerS
	if queued+float64(n) > float64(s.limit) {
		if drop {
			s.dropped++
			return time.Time{}, false
		}
		return start.Add(-time.Duration(float64(s.limit-n) / s.bytesPerS * float64(time.Second))), false
	}
	s.tail = start.Add(time.Duration(float64(n) / s.bytesPerS * float64(time.Second)))
	if drop {
		s.passed++
		s.udpBytes += uint64(n)
	} else {
		s.tcpBytes += uint64(n)
	}
	return s.tail, true
}

// sendUDP queues one datagram; it reports false when the queue dropped it.
func (s *shaper) sendUDP(b []byte, send func([]byte)) bool {
	at, ok := s.reserve(len(b), true)
	if !ok {
		return false
	}
	cp := append([]byte(nil), b...)
	select {
	case s.udp <- pending{at: at, send: func() { send(cp) }}:
		return true
	default:
		return false
	}
}

// writeTCP queues b on the link, waiting while the queue is full, as a TCP
// sender with a large window does: a greedy upload keeps the queue full.
// (The bytes reach the peer when queued, up to one queue's delay early.)
func (s *shaper) writeTCP(c net.Conn, b []byte) (int, error) {
	written := 0
	for len(b) > 0 {
		n := min(len(b), 8<<10)
		for {
			at, ok := s.reserve(n, false)
			if ok {
				break
			}
			time.Sleep(max(time.Until(at), time.Millisecond)) // wait for room in the queue
		}
		m, err := c.Write(b[:n])
		written += m
		if err != nil {
			return written, err
		}
		b = b[n:]
	}
	return written, nil
}

// SetRate limits the vehicle's uplink (vehicle to hub, UDP and TCP alike)
// to kbps with a queue of queueBytes; 0 removes the limit. Call before
// traffic starts.
func (l *Link) SetRate(kbps float64, queueBytes int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if kbps <= 0 {
		l.shape = nil
		return
	}
	l.shape = newShaper(kbps, queueBytes)
}

func (l *Link) shaper() *shaper {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.shape
}

// QueueDropped counts UDP packets the rate limit's queue dropped, and those it carried.
func (l *Link) QueueDropped() (dropped, carried uint64) {
	s := l.shaper()
	if s == nil {
		return 0, 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped, s.passed
}

// Carried reports the bytes the rate limit has carried, UDP and TCP.
func (l *Link) Carried() (udp, tcp uint64) {
	s := l.shaper()
	if s == nil {
		return 0, 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.udpBytes, s.tcpBytes
}
