package relay

import (
	"context"
	"fmt"

	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"

	"fieldwatch/protocol/whip"
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

// iceRestart applies a client's ICE restart (WHIP/WHEP PATCH, RFC 9725
// Sec. 4.4): the previous offer with the new credentials and candidates
// becomes the remote description, and the relay's new credentials and
// candidates go back as an sdpfrag.
func iceRestart(ctx context.Context, pc *webrtc.PeerConnection, frag string) (string, error) {
	f, err := whip.ParseFrag(frag)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrBadOffer, err)
	}
	prev := pc.RemoteDescription()
	if prev == nil {
		return "", fmt.Errorf("%w: no previous offer", ErrNoSession)
	}
	offer := whip.ApplyFrag(prev.SDP, f)
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
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
	return whip.BuildFrag(whip.FragFromSDP(local), whip.FirstMid(local)), nil
}
