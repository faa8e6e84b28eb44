// Package link simulates a vehicle's network link, in process, so that a
// test or the demo can cut it and restore it: every UDP socket made
// through Net (pion's WebRTC) drops all packets both ways while the link
// is down, and every TCP connection made through DialContext (WHIP
// signalling, the control channel, uploads) is closed at the cut and
// refused until the link is back, as a cellular modem losing its bearer.
package link

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/transport/v4"
	"github.com/pion/transport/v4/stdnet"
)

// ErrDown is returned by dials while the link is cut.
var ErrDown = errors.New("link: down")

// Link is one vehicle's simulated link. The zero value is not usable; use New.
type Link struct {
	net  *stdnet.Net
	up   atomic.Bool
	mu   sync.Mutex
	tcp  map[net.Conn]struct{}
	drop atomic.Uint64
	cuts atomic.Uint64
	// shape, when set, limits the uplink's rate (SetRate).
	shape *shaper
}

// New returns a link that is up.
func New() *Link {
	n, err := stdnet.NewNet()
	if err != nil {
		// stdnet fails only when the host's interfaces cannot be listed;
		// fall back to an empty interface list rather than no link.
		n = &stdnet.Net{}
	}
	l := &Link{net: n, tcp: map[net.Conn]struct{}{}}
	l.up.Store(true)
	return l
}

// Up reports whether the link is up.
func (l *Link) Up() bool { return l.up.Load() }

// SetUp cuts (false) or restores (true) the link.
func (l *Link) SetUp(up bool) {
	if l.up.Swap(up) == up || up {
		return
	}
	l.mu.Lock()
	conns := make([]net.Conn, 0, len(l.tcp))
	for c := range l.tcp {
		conns = append(conns, c)
	}
	l.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
		l.cuts.Add(1)
	}
}

// Dropped counts UDP packets dropped by cuts; Cut counts TCP connections closed by cuts.
func (l *Link) Dropped() uint64 { return l.drop.Load() }

// Cut counts TCP connections closed by cuts.
func (l *Link) Cut() uint64 { return l.cuts.Load() }

// DialContext dials TCP over the link.
func (l *Link) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if !l.Up() {
		return nil, fmt.Errorf("dial %s %s: %w", network, addr, ErrDown)
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	tc := &tcpConn{Conn: c, l: l}
	l.mu.Lock()
	l.tcp[tc] = struct{}{}
	l.mu.Unlock()
	if !l.Up() { // cut while dialling
		_ = tc.Close()
		return nil, fmt.Errorf("dial %s %s: %w", network, addr, ErrDown)
	}
	return tc, nil
}

// HTTPClient is an HTTP client whose connections go over the link.
func (l *Link) HTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DialContext: l.DialContext, MaxIdleConnsPerHost: 4}}
}

type tcpConn struct {
	net.Conn
	l    *Link
	once sync.Once
}

func (c *tcpConn) Write(b []byte) (int, error) {
	if s := c.l.shaper(); s != nil {
		return s.writeTCP(c.Conn, b)
	}
	return c.Conn.Write(b)
}

func (c *tcpConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		delete(c.l.tcp, c)
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}

// Net is a pion transport.Net whose UDP sockets go over the link.
func (l *Link) Net() transport.Net { return &pionNet{Net: l.net, l: l} }

type pionNet struct {
	*stdnet.Net
	l *Link
}

func (n *pionNet) ListenUDP(network string, addr *net.UDPAddr) (transport.UDPConn, error) {
	c, err := n.Net.ListenUDP(network, addr)
	if err != nil {
		return nil, err
	}
	return &udpConn{UDPConn: c, l: n.l}, nil
}

func (n *pionNet) ListenPacket(network, address string) (net.PacketConn, error) {
	c, err := n.Net.ListenPacket(network, address)
	if err != nil {
		return nil, err
	}
	if uc, ok := c.(transport.UDPConn); ok {
		return &udpConn{UDPConn: uc, l: n.l}, nil
	}
	return &packetConn{PacketConn: c, l: n.l}, nil
}

func (n *pionNet) DialUDP(network string, laddr, raddr *net.UDPAddr) (transport.UDPConn, error) {
	c, err := n.Net.DialUDP(network, laddr, raddr)
	if err != nil {
		return nil, err
	}
	return &udpConn{UDPConn: c, l: n.l}, nil
}
