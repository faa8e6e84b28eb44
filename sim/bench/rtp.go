package bench

import "github.com/pion/rtp"

// rtpHeaderless is the part of an RTP packet the viewer needs, parsed
// without allocating the whole packet.
type rtpHeaderless struct {
	seq     uint16
	marker  bool
	payload []byte
}

func (p *rtpHeaderless) parse(b []byte) error {
	var h rtp.Header
	n, err := h.Unmarshal(b)
	if err != nil {
		return err
	}
	end := len(b)
	if h.Padding && end > n {
		end -= int(b[end-1])
	}
	if end < n {
		end = n
	}
	p.seq, p.marker, p.payload = h.SequenceNumber, h.Marker, b[n:end]
	return nil
}
