package capture

import "time"

// Description says what a camera sends. It is given to a Sink on every
// (re)connect of the camera, before any media.
type Description struct {
	// VideoCodec is "H264" (the only video codec passed through today).
	VideoCodec string
	// AudioCodec is "opus", "PCMU", "PCMA", or "" when the camera has no audio.
	AudioCodec     string
	AudioClockRate int
	AudioChannels  int
}

// Sink receives a camera's media as access units, never transcoded.
// Calls come from one goroutine per camera; a Sink must not block for long.
type Sink interface {
	// Describe is called on every (re)connect of the camera, before media.
	Describe(d Description)
	// Video receives one H.264 access unit: NAL units without start codes.
	// pts is continuous across camera reconnects of one capture.
	Video(pts time.Duration, au [][]byte)
	// Audio receives one audio frame (an Opus packet or G.711 bytes).
	Audio(pts time.Duration, payload []byte)
}
