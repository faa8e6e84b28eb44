package relay

import (
	"context"
	"fmt"
	"strings"

	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// maxOfferSize bounds an SDP offer; real offers are a few kilobytes.
const maxOfferSize = 64 << 10

// checkOffer rejects what is not an SDP offer with media before pion sees it.
func checkOffer(offer string) error {
	if len(offer) == 0 || len(offer) > maxOfferSize {
		return fmt.Errorf("%w: size %d", ErrBadOffer, len(offer))
	}
	var d sdp.SessionDescription
	if err := d.UnmarshalString(offer); err != nil {
		return fmt.Errorf("%w: %v", ErrBadOffer, err)
	}
	for _, m := range d.MediaDescriptions {
		if m.MediaName.Media == "video" || m.MediaName.Media == "audio" {
			return nil
		}
	}
	return fmt.Errorf("%w: no audio or video section", ErrBadOffer)
}

// iceFrag is the part of a trickle-ice-sdpfrag (RFC 8840) an ICE restart needs.
type iceFrag struct {
	ufrag, pwd string
	candidates []string // "candidate:..." attribute values
}

func parseICEFrag(s string) (iceFrag, error) {
	var f iceFrag
	if len(s) > maxOfferSize {
		return f, fmt.Errorf("%w: fragment too large", ErrBadOffer)
	}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "a=ice-ufrag:"):
			f.ufrag = strings.TrimPrefix(line, "a=ice-ufrag:")
		case strings.HasPrefix(line, "a=ice-pwd:"):
			f.pwd = strings.TrimPrefix(line, "a=ice-pwd:")
		case strings.HasPrefix(line, "a=candidate:"):
			f.candidates = append(f.candidates, strings.TrimPrefix(line, "a="))
		}
	}
	if f.ufrag == "" || f.pwd == "" {
		return f, fmt.Errorf("%w: fragment lacks ice-ufrag or ice-pwd", ErrBadOffer)
	}
	return f, nil
}

// iceRestart applies a client's ICE restart (WHIP/WHEP PATCH, RFC 9725
// Sec. 4.4): the previous offer with the new credentials and candidates
// becomes the remote description, and the relay's new credentials and
// candidates go back as an sdpfrag.
func iceRestart(ctx context.Context, pc *webrtc.PeerConnection, frag string) (string, error) {
	f, err := parseICEFrag(frag)
	if err != nil {
		return "", err
	}
	prev := pc.RemoteDescription()
	if prev == nil {
		return "", fmt.Errorf("%w: no previous offer", ErrNoSession)
	}
	var d sdp.SessionDescription
	if err := d.UnmarshalString(prev.SDP); err != nil {
		return "", fmt.Errorf("relay: previous offer: %w", err)
	}
	d.Attributes = withICE(d.Attributes, f, false)
	for i, m := range d.MediaDescriptions {
		m.Attributes = withICE(m.Attributes, f, i == 0)
	}
	offer, err := d.Marshal()
	if err != nil {
		return "", fmt.Errorf("relay: restart offer: %w", err)
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: string(offer)}); err != nil {
		return "", fmt.Errorf("%w: %v", ErrBadOffer, err)
	}
	ans, err := pc.CreateAnswer(nil)
	if err != nil {
		return "", fmt.Errorf("relay: restart answer: %w", err)
	}
	local, err := localDescription(ctx, pc, ans)
	if err != nil {
		return "", err
	}
	return answerFrag(local)
}

// withICE replaces credentials and candidates in one attribute list; the
// candidates go to the first media section (the BUNDLE transport).
func withICE(attrs []sdp.Attribute, f iceFrag, candidates bool) []sdp.Attribute {
	out := attrs[:0:0]
	for _, a := range attrs {
		switch a.Key {
		case "ice-ufrag", "ice-pwd", "candidate", "end-of-candidates":
			continue
		}
		out = append(out, a)
	}
	out = append(out, sdp.Attribute{Key: "ice-ufrag", Value: f.ufrag}, sdp.Attribute{Key: "ice-pwd", Value: f.pwd})
	if candidates {
		for _, c := range f.candidates {
			out = append(out, sdp.Attribute{Key: "candidate", Value: strings.TrimPrefix(c, "candidate:")})
		}
		out = append(out, sdp.Attribute{Key: "end-of-candidates"})
	}
	return out
}

// answerFrag extracts the relay's ICE credentials and candidates from its
// full answer, as an sdpfrag for the PATCH response.
func answerFrag(local string) (string, error) {
	var d sdp.SessionDescription
	if err := d.UnmarshalString(local); err != nil {
		return "", fmt.Errorf("relay: local answer: %w", err)
	}
	var ufrag, pwd string
	var b strings.Builder
	find := func(attrs []sdp.Attribute) {
		for _, a := range attrs {
			switch a.Key {
			case "ice-ufrag":
				ufrag = a.Value
			case "ice-pwd":
				pwd = a.Value
			}
		}
	}
	find(d.Attributes)
	if len(d.MediaDescriptions) > 0 {
		m := d.MediaDescriptions[0]
		find(m.Attributes)
		fmt.Fprintf(&b, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n", ufrag, pwd)
		fmt.Fprintf(&b, "m=%s 9 %s %s\r\n", m.MediaName.Media, strings.Join(m.MediaName.Protos, "/"), strings.Join(m.MediaName.Formats, " "))
		if mid, ok := m.Attribute("mid"); ok {
			fmt.Fprintf(&b, "a=mid:%s\r\n", mid)
		}
		for _, a := range m.Attributes {
			if a.Key == "candidate" {
				fmt.Fprintf(&b, "a=candidate:%s\r\n", a.Value)
			}
		}
		b.WriteString("a=end-of-candidates\r\n")
	}
	if ufrag == "" || pwd == "" {
		return "", fmt.Errorf("relay: answer lacks ICE credentials")
	}
	return b.String(), nil
}
