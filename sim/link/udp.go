package link

import (
	"net"

	"github.com/pion/transport/v4"
)

// udpConn drops every packet while the link is down: writes "succeed" (a
// sender on a real cut link does not know), reads discard what arrives.
type udpConn struct {
	transport.UDPConn
	l *Link
}

func (c *udpConn) dropping(n int) bool {
	if c.l.Up() {
		return false
	}
	c.l.drop.Add(1)
	return true
}

func (c *udpConn) Read(b []byte) (int, error) {
	for {
		n, err := c.UDPConn.Read(b)
		if err != nil || !c.dropping(n) {
			return n, err
		}
	}
}

func (c *udpConn) ReadFrom(b []byte) (int, net.Addr, error) {
	for {
		n, a, err := c.UDPConn.ReadFrom(b)
		if err != nil || !c.dropping(n) {
			return n, a, err
		}
	}
}

func (c *udpConn) ReadFromUDP(b []byte) (int, *net.UDPAddr, error) {
	for {
		n, a, err := c.UDPConn.ReadFromUDP(b)
		if err != nil || !c.dropping(n) {
			return n, a, err
		}
	}
}

func (c *udpConn) ReadMsgUDP(b, oob []byte) (int, int, int, *net.UDPAddr, error) {
	for {
		n, oobn, flags, a, err := c.UDPConn.ReadMsgUDP(b, oob)
		if err != nil || !c.dropping(n) {
			return n, oobn, flags, a, err
		}
	}
}

// shaped sends b through the link's rate limit when it has one.
func (c *udpConn) shaped(b []byte, send func([]byte)) bool {
	s := c.l.shaper()
	if s == nil {
		return false
	}
	s.sendUDP(b, send)
	return true
}

func (c *udpConn) Write(b []byte) (int, error) {
	if c.dropping(len(b)) || c.shaped(b, func(p []byte) { c.UDPConn.Write(p) }) {
		return len(b), nil
	}
	return c.UDPConn.Write(b)
}

func (c *udpConn) WriteTo(b []byte, a net.Addr) (int, error) {
	if c.dropping(len(b)) || c.shaped(b, func(p []byte) { c.UDPConn.WriteTo(p, a) }) {
		return len(b), nil
	}
	return c.UDPConn.WriteTo(b, a)
}

func (c *udpConn) WriteToUDP(b []byte, a *net.UDPAddr) (int, error) {
	if c.dropping(len(b)) || c.shaped(b, func(p []byte) { c.UDPConn.WriteToUDP(p, a) }) {
		return len(b), nil
	}
	return c.UDPConn.WriteToUDP(b, a)
}

func (c *udpConn) WriteMsgUDP(b, oob []byte, a *net.UDPAddr) (int, int, error) {
	if c.dropping(len(b)) || c.shaped(b, func(p []byte) { c.UDPConn.WriteMsgUDP(p, oob, a) }) {
		return len(b), len(oob), nil
	}
	return c.UDPConn.WriteMsgUDP(b, oob, a)
}

// packetConn is the same for a plain net.PacketConn.
type packetConn struct {
	net.PacketConn
	l *Link
}

func (c *packetConn) ReadFrom(b []byte) (int, net.Addr, error) {
	for {
		n, a, err := c.PacketConn.ReadFrom(b)
		if err != nil || c.l.Up() {
			return n, a, err
		}
		c.l.drop.Add(1)
	}
}

func (c *packetConn) WriteTo(b []byte, a net.Addr) (int, error) {
	if !c.l.Up() {
		c.l.drop.Add(1)
		return len(b), nil
	}
	if s := c.l.shaper(); s != nil {
		s.sendUDP(b, func(p []byte) { c.PacketConn.WriteTo(p, a) })
		return len(b), nil
	}
	return c.PacketConn.WriteTo(b, a)
}
