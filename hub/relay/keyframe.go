package relay

// H.264 NAL unit types that matter to forwarding (ITU-T H.264 Table 7-1,
// RFC 6184 for the aggregation and fragmentation types).
const (
	naluIDR   = 5
	naluSEI   = 6
	naluSPS   = 7
	naluPPS   = 8
	naluSTAPA = 24
	naluFUA   = 28
)

// h264KeyframeStart reports whether an RTP payload starts a keyframe: it
// carries an SPS, or an IDR slice (single NAL, inside a STAP-A, or the first
// fragment of an FU-A). A keyframe access unit begins with such a packet
// when the encoder repeats its headers, as cameras and the vehicle do.
func h264KeyframeStart(payload []byte) bool {
	if len(payload) < 2 {
		return false
	}
	switch t := payload[0] & 0x1f; t {
	case naluSPS, naluIDR:
		return true
	case naluSTAPA:
		for p := payload[1:]; len(p) > 2; {
			size := int(p[0])<<8 | int(p[1])
			if size == 0 || len(p) < 2+size {
				return false
			}
			if nt := p[2] & 0x1f; nt == naluSPS || nt == naluIDR {
				return true
			}
			p = p[2+size:]
		}
	case naluFUA:
		start := payload[1]&0x80 != 0
		return start && payload[1]&0x1f == naluIDR
	}
	return false
}

// h264SEI returns the SEI NAL unit an RTP payload carries whole, if any:
// a single SEI NAL, or one inside a STAP-A. Fragmented SEIs are ignored.
func h264SEI(payload []byte) []byte {
	if len(payload) < 2 {
		return nil
	}
	switch payload[0] & 0x1f {
	case naluSEI:
		return payload
	case naluSTAPA:
		for p := payload[1:]; len(p) > 2; {
			size := int(p[0])<<8 | int(p[1])
			if size == 0 || len(p) < 2+size {
				return nil
			}
			if p[2]&0x1f == naluSEI {
				return p[2 : 2+size]
			}
			p = p[2+size:]
		}
	}
	return nil
}
