package bench

import (
	"bytes"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"

	"fieldwatch/sim/clip"
	"fieldwatch/sim/seistamp"
)

// packetize turns access units into RTP packets as a WHIP publisher would
// (pion's payloader: STAP-A for SPS+PPS, FU-A for large slices).
func packetize(t *testing.T, aus []clip.AccessUnit) []*rtp.Packet {
	t.Helper()
	p := rtp.NewPacketizer(1200, 96, 1, &codecs.H264Payloader{}, rtp.NewFixedSequencer(65500), 90000)
	var out []*rtp.Packet
	for _, au := range aus {
		var annexB []byte
		for _, n := range au.NALUs {
			annexB = append(annexB, 0, 0, 0, 1)
			annexB = append(annexB, n...)
		}
		pkts := p.Packetize(annexB, 3600)
		if len(pkts) == 0 {
			t.Fatal("no packets")
		}
		out = append(out, pkts...)
	}
	return out
}

type feedResult struct {
	complete, incomplete int
	aus                  []*accessUnit
}

func feed(pkts []*rtp.Packet, skip func(i int) bool) feedResult {
	var a auAssembler
	var r feedResult
	for i, p := range pkts {
		if skip != nil && skip(i) {
			continue
		}
		a.push(p.SequenceNumber, p.Timestamp, p.Marker, p.Payload, time.Now(), func(au *accessUnit) {
			if au.complete {
				r.complete++
			} else {
				r.incomplete++
			}
			r.aus = append(r.aus, au)
		})
	}
	return r
}

func TestAssemblerRebuildsClipFrames(t *testing.T) {
	// A copy: the clip is shared. pion's payloader drops access unit
	// delimiters, so the frames rebuilt are the clip's without them.
	aus := make([]clip.AccessUnit, 10)
	for i, au := range clip.Default().Video[:10] {
		aus[i] = au
		aus[i].NALUs = nil
		for _, n := range au.NALUs {
			if n[0]&0x1f != 9 {
				aus[i].NALUs = append(aus[i].NALUs, n)
			}
		}
	}
	stamp := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	aus[3].NALUs = seistamp.Insert(aus[3].NALUs, stamp)
	pkts := packetize(t, aus) // the sequence number wraps past 65535
	r := feed(pkts, nil)
	if r.complete != 10 || r.incomplete != 0 {
		t.Fatalf("complete %d incomplete %d, want 10 and 0", r.complete, r.incomplete)
	}
	for i, au := range r.aus {
		if len(au.nalus) != len(aus[i].NALUs) {
			t.Fatalf("frame %d: %d NAL units, want %d", i, len(au.nalus), len(aus[i].NALUs))
		}
		for k := range au.nalus {
			if !bytes.Equal(au.nalus[k], aus[i].NALUs[k]) {
				t.Fatalf("frame %d NAL unit %d differs", i, k)
			}
		}
		if au.isIDR() != aus[i].IDR {
			t.Fatalf("frame %d: IDR %v, want %v", i, au.isIDR(), aus[i].IDR)
		}
	}
	if got, ok := seistamp.FromAU(r.aus[3].nalus); !ok || !got.Equal(stamp) {
		t.Fatalf("stamp %v %v, want %v", got, ok, stamp)
	}
}

func TestAssemblerLoss(t *testing.T) {
	aus := clip.Default().Video[:3]
	pkts := packetize(t, aus)
	var firstLen int // packets of the first (IDR) frame
	for i, p := range pkts {
		if p.Marker {
			firstLen = i + 1
			break
		}
	}
	if firstLen < 3 {
		t.Fatalf("the first frame has %d packets; the test wants a fragmented one", firstLen)
	}
	for _, c := range []struct {
		name                 string
		skip                 func(int) bool
		complete, incomplete int
	}{
		{"middle of a fragmented frame lost", func(i int) bool { return i == firstLen/2 }, 2, 1},
		{"marker packet lost: the next timestamp ends the frame", func(i int) bool { return i == firstLen-1 }, 1, 2},
		{"first packet of the second frame lost", func(i int) bool { return i == firstLen }, 2, 1},
		{"joined mid-frame", func(i int) bool { return i < firstLen/2 }, 2, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := feed(pkts, c.skip)
			if r.complete != c.complete || r.incomplete != c.incomplete {
				t.Fatalf("complete %d incomplete %d, want %d and %d", r.complete, r.incomplete, c.complete, c.incomplete)
			}
		})
	}
}

func TestAssemblerIgnoresLateAndDuplicates(t *testing.T) {
	pkts := packetize(t, clip.Default().Video[:3])
	dup := append([]*rtp.Packet{}, pkts[:2]...)
	dup = append(dup, pkts[1], pkts[0])
	dup = append(dup, pkts[2:]...)
	r := feed(dup, nil)
	if r.complete != 3 || r.incomplete != 0 {
		t.Fatalf("complete %d incomplete %d, want 3 and 0", r.complete, r.incomplete)
	}
}
