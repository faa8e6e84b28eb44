package control

import (
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"fieldwatch/internal/mailpump"
	"fieldwatch/protocol"
)

// writeWait bounds one write: a link that cannot take a small message in
// this long is as good as dead.
const writeWait = 2 * time.Second

// closeWait bounds the wait to send a close frame.
const closeWait = 250 * time.Millisecond

// conn wraps one vehicle's WebSocket: one writer of messages at a time
// (gorilla allows one; its WriteControl, used for ping, pong and close,
// may run beside it and waits for the frame in flight within its
// deadline), a read limit, and a close that is safe from any goroutine
// and happens once.
type conn struct {
	ws      *websocket.Conn
	vehicle string
	remote  string
	now     func() time.Time

	wmu sync.Mutex // serialises WriteMessage; guards seq
	seq uint64

	closeOnce sync.Once
	done      chan struct{} // closed by close

	pump *mailpump.Pump // sends the vehicle its messages; nil without Mail
}

func newConn(ws *websocket.Conn, vehicle, remote string, now func() time.Time) *conn {
	ws.SetReadLimit(protocol.MaxMessageSize)
	return &conn{ws: ws, vehicle: vehicle, remote: remote, now: now, done: make(chan struct{})}
}

// send writes one message.
func (c *conn) send(kind protocol.Kind, body any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.seq++
	data, err := protocol.Encode(kind, "hub-"+strconv.FormatUint(c.seq, 10), c.now(), body)
	if err != nil {
		return err
	}
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

// sendError tells the vehicle why; the link may already be gone.
func (c *conn) sendError(code, msg string) {
	_ = c.send(protocol.KindError, protocol.Error{Code: code, Message: msg})
}

// ping writes a WebSocket ping; the vehicle's pong counts as a sign of life.
func (c *conn) ping() error {
	return c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait))
}

// pong answers a vehicle's ping.
func (c *conn) pong(data []byte) error {
	return c.ws.WriteControl(websocket.PongMessage, data, time.Now().Add(writeWait))
}

// close sends a close frame with code and reason (best effort) and closes
// the socket, which ends the connection's reader.
func (c *conn) close(code int, reason string) {
	c.closeOnce.Do(func() {
		close(c.done)
		// Behind a writer stuck on a dead link the close frame times
		// out; closing the socket then frees the writer.
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(closeWait))
		_ = c.ws.Close()
	})
}
