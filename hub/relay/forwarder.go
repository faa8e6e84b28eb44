package relay

import (
	"sync"

	"github.com/pion/webrtc/v4"
)

// forwarder fans one track of a stream out to its viewers. The publisher's
// reader goroutine calls push; viewers join and leave at any time. For
// video it keeps the current group of pictures so a new viewer can start
// at once.
type forwarder struct {
	kind     webrtc.RTPCodecType
	maxCache int

	mu       sync.Mutex
	codec    webrtc.RTPCodecCapability
	hasCodec bool
	ready    chan struct{} // closed when the codec is first known
	viewers  []*downTrack  // copy-on-write: push iterates without the lock
	gop      []*packet
	gopBytes int
	gopGen   uint32
	gopValid bool
}

func newForwarder(kind webrtc.RTPCodecType, maxCache int) *forwarder {
	return &forwarder{kind: kind, maxCache: maxCache, ready: make(chan struct{})}
}

// setCodec records the publisher's codec; viewers negotiate with it.
func (f *forwarder) setCodec(c webrtc.RTPCodecCapability) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.codec = c
	if !f.hasCodec {
		f.hasCodec = true
		close(f.ready)
	}
}

// currentCodec returns the codec, if a publisher has sent this track yet.
func (f *forwarder) currentCodec() (webrtc.RTPCodecCapability, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.codec, f.hasCodec
}

// push hands p to every viewer without waiting for any of them.
func (f *forwarder) push(p *packet) {
	f.mu.Lock()
	if f.kind == webrtc.RTPCodecTypeVideo {
		f.cache(p)
	}
	viewers := f.viewers
	f.mu.Unlock()
	for _, d := range viewers {
		d.enqueue(p)
	}
}

// cache keeps the packets since the last keyframe. Called with mu held.
func (f *forwarder) cache(p *packet) {
	if p.gen != f.gopGen {
		f.gopGen, f.gopValid, f.gop, f.gopBytes = p.gen, false, nil, 0
	}
	if p.keyframe && (len(f.gop) == 0 || f.gop[0].hdr.Timestamp != p.hdr.Timestamp) {
		// A new keyframe: start over. The old slice may be shared with a
		// joining viewer's snapshot, so never reuse its array.
		f.gop, f.gopBytes, f.gopValid = make([]*packet, 0, 256), 0, true
	}
	if !f.gopValid {
		return
	}
	f.gop = append(f.gop, p)
	f.gopBytes += len(p.payload)
	if f.gopBytes > f.maxCache {
		f.gop, f.gopBytes, f.gopValid = nil, 0, false
	}
}

// join adds a viewer and returns the cached packets it should start with;
// no packet is missed or repeated between the two.
func (f *forwarder) join(d *downTrack) []*packet {
	f.mu.Lock()
	defer f.mu.Unlock()
	next := make([]*downTrack, 0, len(f.viewers)+1)
	next = append(next, f.viewers...)
	f.viewers = append(next, d)
	if !f.gopValid {
		return nil
	}
	return f.gop[:len(f.gop):len(f.gop)]
}

// leave removes a viewer.
func (f *forwarder) leave(d *downTrack) {
	f.mu.Lock()
	defer f.mu.Unlock()
	next := make([]*downTrack, 0, len(f.viewers))
	for _, v := range f.viewers {
		if v != d {
			next = append(next, v)
		}
	}
	f.viewers = next
}

func (f *forwarder) viewerCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.viewers)
}
