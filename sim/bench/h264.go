package bench

import (
	"encoding/binary"
	"time"

	"github.com/pion/rtp/codecs"
)

// H.264 NAL unit types the viewer looks at (ITU-T H.264 Table 7-1).
const (
	naluIDR = 5
	naluSEI = 6
)

// accessUnit is one rebuilt H.264 frame.
type accessUnit struct {
	nalus [][]byte
	// complete: no packet of the frame is missing, so a decoder would show it.
	complete bool
	// at is when its last packet arrived.
	at time.Time
}

func (a *accessUnit) isIDR() bool {
	for _, n := range a.nalus {
		if len(n) > 0 && n[0]&0x1f == naluIDR {
			return true
		}
	}
	return false
}

// auAssembler rebuilds access units from RTP packets in arrival order
// (RFC 6184: single NAL unit, STAP-A and FU-A packets). A frame ends at the
// marker bit, or when the RTP timestamp changes (marker lost). Any missing
// sequence number marks the frame it may belong to as incomplete; late and
// duplicate packets are ignored, as a decoder past that frame would.
type auAssembler struct {
	dep     codecs.H264Packet
	started bool
	lastSeq uint16
	open    bool // a frame is in progress
	ts      uint32
	cur     accessUnit
	damaged bool
}

// push adds one packet's payload and calls emit for each frame it ends.
func (a *auAssembler) push(seq uint16, ts uint32, marker bool, payload []byte, at time.Time, emit func(*accessUnit)) {
	gap := false
	if !a.started && !a.dep.IsPartitionHead(payload) {
		a.damaged = true // joined in the middle of a fragmented NAL unit
	}
	if a.started {
		d := int16(seq - a.lastSeq)
		if d <= 0 {
			return
		}
		if d > 1 {
			gap = true
			a.dep = codecs.H264Packet{IsAVC: true} // drop a half-received FU-A
		}
	}
	a.started, a.lastSeq = true, seq
	if a.open && ts != a.ts {
		// The previous frame lost its end (or the sender sets no marker);
		// a gap here may have taken the tail of one or the head of the other.
		a.flush(a.damaged || gap, emit)
		a.damaged = gap
	} else if gap {
		a.damaged = true
	}
	a.open, a.ts, a.cur.at = true, ts, at
	a.dep.IsAVC = true
	b, err := a.dep.Unmarshal(payload)
	if err != nil {
		a.damaged = true
	}
	for len(b) >= 4 {
		n := int(binary.BigEndian.Uint32(b))
		if n > len(b)-4 {
			a.damaged = true
			break
		}
		if n > 0 {
			a.cur.nalus = append(a.cur.nalus, b[4:4+n])
		}
		b = b[4+n:]
	}
	if marker {
		a.flush(a.damaged, emit)
		a.damaged = false
	}
}

func (a *auAssembler) flush(damaged bool, emit func(*accessUnit)) {
	au := a.cur
	au.complete = !damaged && len(au.nalus) > 0
	a.cur, a.open = accessUnit{}, false
	emit(&au)
}
