// Package seistamp stamps the capture wall-clock time of a video frame into an
// H.264 SEI NAL unit and reads it back, so that glass-to-glass latency can be
// measured anywhere along the pipeline (camera, vehicle, hub, viewer).
//
// The stamp is one SEI message of payload type 5, user_data_unregistered
// (ITU-T H.264 Sec. 7.3.2.3 and D.1.6): our fixed 16-byte UUID followed by the
// Unix time in nanoseconds as 8 bytes big-endian. Emulation prevention
// (Sec. 7.4.1) is applied, so the NAL unit can be carried in Annex-B or RTP.
package seistamp

import (
	"bytes"
	"encoding/binary"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

// UUID identifies fieldwatch stamps among user_data_unregistered messages
// (x264, for one, writes its settings in another one).
var UUID = [16]byte{
	0x6f, 0x1e, 0x4c, 0x2a, 0x93, 0xb7, 0x4d, 0x5e,
	0x8a, 0x61, 0x0c, 0x7f, 0x2b, 0x9d, 0x3e, 0x84,
}

const (
	naluTypeSEI             = 6
	payloadTypeUnregistered = 5
	payloadSize             = 16 + 8
)

// NALU returns an SEI NAL unit (without start code) that carries t.
func NALU(t time.Time) []byte {
	rbsp := make([]byte, 0, 2+payloadSize+1)
	rbsp = append(rbsp, payloadTypeUnregistered, payloadSize)
	rbsp = append(rbsp, UUID[:]...)
	rbsp = binary.BigEndian.AppendUint64(rbsp, uint64(t.UnixNano()))
	rbsp = append(rbsp, 0x80) // rbsp_stop_one_bit and alignment
	return append([]byte{naluTypeSEI}, emulationPreventionAdd(rbsp)...)
}

// emulationPreventionAdd inserts emulation_prevention_three_byte where two
// zero bytes are followed by a byte <= 3 (H.264 Sec. 7.4.1).
func emulationPreventionAdd(rbsp []byte) []byte {
	out := make([]byte, 0, len(rbsp)+len(rbsp)/2)
	zeros := 0
	for _, b := range rbsp {
		if zeros >= 2 && b <= 3 {
			out = append(out, 3)
			zeros = 0
		}
		out = append(out, b)
		if b == 0 {
			zeros++
		} else {
			zeros = 0
		}
	}
	if zeros > 0 {
		// A NAL unit must not end with a zero byte.
		out = append(out, 3)
	}
	return out
}

// Parse returns the time carried by a stamp NAL unit made by NALU (or by any
// SEI NAL unit holding one of our messages). It reports false for any other
// NAL unit and never panics on malformed input.
func Parse(nalu []byte) (time.Time, bool) {
	if len(nalu) < 2 || nalu[0]&0x1f != naluTypeSEI {
		return time.Time{}, false
	}
	rbsp := h264.EmulationPreventionRemove(nalu[1:])
	pos := 0
	// sei_message() loop (Sec. 7.3.2.3.1): stop at rbsp_trailing_bits.
	for pos < len(rbsp) && rbsp[pos] != 0x80 {
		typ, ok := readFF(rbsp, &pos)
		if !ok {
			return time.Time{}, false
		}
		size, ok := readFF(rbsp, &pos)
		if !ok || size > len(rbsp)-pos {
			return time.Time{}, false
		}
		payload := rbsp[pos : pos+size]
		pos += size
		if typ == payloadTypeUnregistered && size == payloadSize && bytes.Equal(payload[:16], UUID[:]) {
			return time.Unix(0, int64(binary.BigEndian.Uint64(payload[16:]))), true
		}
	}
	return time.Time{}, false
}

// readFF reads an SEI payload type or size: a run of 0xFF bytes, each adding
// 255, ended by a byte that is added as is.
func readFF(buf []byte, pos *int) (int, bool) {
	v := 0
	for *pos < len(buf) {
		b := buf[*pos]
		*pos++
		v += int(b)
		if b != 0xff {
			return v, true
		}
		if v > 1<<20 {
			return 0, false
		}
	}
	return 0, false
}

// FromAU returns the stamp of the first stamp NAL unit in an access unit.
func FromAU(au [][]byte) (time.Time, bool) {
	for _, nalu := range au {
		if t, ok := Parse(nalu); ok {
			return t, true
		}
	}
	return time.Time{}, false
}

// Insert returns a new access unit with a stamp for t placed before the first
// VCL NAL unit (after any AUD, SPS, PPS and other SEI), as H.264 Sec. 7.4.1.2.3
// orders them. An existing stamp is replaced, so restamping is idempotent. The
// input slice is not modified; NAL unit bytes are shared, not copied.
func Insert(au [][]byte, t time.Time) [][]byte {
	out := make([][]byte, 0, len(au)+1)
	stamp := NALU(t)
	inserted := false
	for _, nalu := range au {
		if old, ok := Parse(nalu); ok && bytes.Equal(nalu, NALU(old)) {
			continue // a stamp of ours alone in its NAL unit
		}
		if !inserted && len(nalu) > 0 && isVCL(nalu[0]&0x1f) {
			out = append(out, stamp)
			inserted = true
		}
		out = append(out, nalu)
	}
	if !inserted {
		out = append(out, stamp)
	}
	return out
}

// isVCL reports whether a NAL unit type carries slice data (Sec. 7.4.1.2.3).
func isVCL(typ byte) bool {
	return typ >= 1 && typ <= 5
}
