package relay

import (
	"fmt"

	"github.com/pion/rtp"
)

// packet is one RTP packet from a publisher, shared read-only by every
// viewer it is forwarded to (each viewer rewrites a copy of the header).
type packet struct {
	hdr      rtp.Header
	payload  []byte
	keyframe bool   // video: first packets of a keyframe access unit
	gen      uint32 // publisher generation: changes when a publisher is replaced
}

// parsePacket copies raw (which the caller reuses) into a packet. Header
// extensions are dropped: they were negotiated with the publisher and mean
// nothing to viewers. Padding is removed.
func parsePacket(raw []byte) (*packet, error) {
	data := make([]byte, len(raw))
	copy(data, raw)
	p := &packet{}
	n, err := p.hdr.Unmarshal(data)
	if err != nil {
		return nil, fmt.Errorf("rtp header: %w", err)
	}
	end := len(data)
	if p.hdr.Padding {
		if end <= n {
			return nil, fmt.Errorf("rtp padding: %w", errShortPacket)
		}
		pad := int(data[end-1])
		if pad == 0 || end-pad < n {
			return nil, fmt.Errorf("rtp padding %d: %w", pad, errShortPacket)
		}
		end -= pad
		p.hdr.Padding = false
		p.hdr.PaddingSize = 0
	}
	p.payload = data[n:end]
	p.hdr.Extension = false
	p.hdr.Extensions = nil
	p.hdr.ExtensionProfile = 0
	p.hdr.CSRC = nil
	return p, nil
}
