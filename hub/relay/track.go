package relay

import (
	"errors"
	"sync/atomic"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// errNotReady: the viewer's SRTP session is not up yet; nothing was sent.
var errNotReady = errors.New("relay: viewer transport not ready")

// viewerTrack is a viewer's local track. pion's TrackLocalStaticRTP
// negotiates the codec; writes go straight to the bound stream, which
// tells the relay whether a packet really left (pion drops packets
// silently until SRTP is up, and a fast-start burst must not be lost).
type viewerTrack struct {
	*webrtc.TrackLocalStaticRTP
	binding atomic.Pointer[trackBinding]
}

type trackBinding struct {
	ssrc uint32
	pt   uint8
	ws   webrtc.TrackLocalWriter
}

func newViewerTrack(c webrtc.RTPCodecCapability, kind, streamID string) (*viewerTrack, error) {
	t, err := webrtc.NewTrackLocalStaticRTP(c, kind, streamID)
	if err != nil {
		return nil, err
	}
	return &viewerTrack{TrackLocalStaticRTP: t}, nil
}

// Bind implements webrtc.TrackLocal.
func (t *viewerTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	codec, err := t.TrackLocalStaticRTP.Bind(ctx)
	if err != nil {
		return codec, err
	}
	t.binding.Store(&trackBinding{ssrc: uint32(ctx.SSRC()), pt: uint8(codec.PayloadType), ws: ctx.WriteStream()})
	return codec, nil
}

// Unbind implements webrtc.TrackLocal.
func (t *viewerTrack) Unbind(ctx webrtc.TrackLocalContext) error {
	t.binding.Store(nil)
	return t.TrackLocalStaticRTP.Unbind(ctx)
}

// write sends one packet; hdr is the caller's to modify.
func (t *viewerTrack) write(hdr *rtp.Header, payload []byte) error {
	b := t.binding.Load()
	if b == nil {
		return errNotReady
	}
	hdr.SSRC, hdr.PayloadType = b.ssrc, b.pt
	n, err := b.ws.WriteRTP(hdr, payload)
	if err != nil {
		return err
	}
	if n == 0 {
		return errNotReady
	}
	return nil
}
