// Package connlimit bounds the connections a listener accepts: in total
// and per remote address. A connection over a limit is closed as soon as it
// is accepted, so one client (or a crowd of trickling ones) cannot take the
// file descriptors the rest of the process needs, such as the recorder's
// and the archive's files.
package connlimit

import (
	"net"
	"sync"
	"sync/atomic"
)

// Limits of a listener; zero means no limit.
type Limits struct {
	Total   int // connections open at once
	PerHost int // connections open at once from one remote address
}

// Listener wraps a net.Listener with Limits.
type Listener struct {
	net.Listener
	limits Limits

	mu      sync.Mutex
	total   int
	perHost map[string]int
	refused atomic.Uint64
}

// Wrap returns ln with limits.
func Wrap(ln net.Listener, limits Limits) *Listener {
	return &Listener{Listener: ln, limits: limits, perHost: map[string]int{}}
}

// Accept returns the next connection within the limits; those over them
// are closed and counted.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		host := hostOf(c.RemoteAddr())
		if l.admit(host) {
			return &conn{Conn: c, release: func() { l.release(host) }}, nil
		}
		l.refused.Add(1)
		_ = c.Close()
	}
}

// Refused is how many connections were closed for being over a limit.
func (l *Listener) Refused() uint64 { return l.refused.Load() }

// Open is how many admitted connections are open.
func (l *Listener) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total
}

func (l *Listener) admit(host string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.limits.Total > 0 && l.total >= l.limits.Total || l.limits.PerHost > 0 && l.perHost[host] >= l.limits.PerHost {
		return false
	}
	l.total++
	l.perHost[host]++
	return true
}

func (l *Listener) release(host string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if l.perHost[host]--; l.perHost[host] <= 0 {
		delete(l.perHost, host)
	}
}

func hostOf(a net.Addr) string {
	if host, _, err := net.SplitHostPort(a.String()); err == nil {
		return host
	}
	return a.String()
}

// conn releases its slot once, on its first Close.
type conn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
