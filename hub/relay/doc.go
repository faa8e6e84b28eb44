// Package relay is the hub's selective forwarding unit (SFU).
//
// A publisher (a vehicle's camera, over WHIP) sends one stream of RTP; the
// relay fans each track out to any number of viewers (the console and WHEP
// clients). Forwarding never transcodes. The publisher's reader goroutine
// hands each packet to every viewer's bounded queue and never waits: a slow
// or dead viewer drops packets (counted) and resynchronises on the next
// keyframe, while the others and the publisher carry on.
//
// A new viewer starts with the cached group of pictures (from the last
// keyframe), sent as a burst with compressed timestamps so the browser
// decodes it at once and plays live right after: first frame without
// waiting for the next keyframe. Viewers survive a publisher's reconnect:
// sequence numbers and timestamps are rewritten per viewer so the stream
// stays continuous. Keyframe requests (PLI/FIR) from viewers reach the
// publisher rate-limited; NACKs are answered from each viewer's own
// retransmission buffer, and the relay asks the publisher for what it lost.
package relay
