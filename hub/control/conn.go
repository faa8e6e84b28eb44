package control

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"fieldwatch/protocol"
)

var errConnClosed = errors.New("control: connection closed")

// conn wraps one WebSocket: one writer at a time, a read limit, and a close
// that is safe from any goroutine.
type conn struct {
	ws      *websocket.Conn
	vehicle string
	remote  string
	wmu     sync.Mutex
	seq     atomic.Uint64
	once    sync.Once
	closed  atomic.Bool
}

func newConn(ws *websocket.Conn, vehicle, remote string) *conn {
	ws.SetReadLimit(protocol.MaxMessageSize)
	return &conn{ws: ws, vehicle: vehicle, remote: remote}
}

func (c *conn) read() (protocol.Envelope, error) {
	typ, data, err := c.ws.ReadMessage()
	if err != nil {
		if c.closed.Load() {
			return protocol.Envelope{}, errConnClosed
		}
		return protocol.Envelope{}, err
	}
	if typ != websocket.TextMessage {
		return protocol.Envelope{}, fmt.Errorf("%w: binary frame", protocol.ErrMalformed)
	}
	return protocol.Decode(data)
}

func (c *conn) send(kind protocol.Kind, body any) error {
	data, err := protocol.Encode(kind, "h"+strconv.FormatUint(c.seq.Add(1), 10), time.Now(), body)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

func (c *conn) sendError(code, msg string) {
	_ = c.send(protocol.KindError, protocol.Error{Code: code, Message: msg})
}

func (c *conn) close() {
	c.once.Do(func() {
		c.closed.Store(true)
		c.wmu.Lock()
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		c.wmu.Unlock()
		_ = c.ws.Close()
	})
}
