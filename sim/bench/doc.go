// Package bench is the load tool behind `fieldwatch bench live`.
//
// It starts N WHIP publishers (RFC 9725) of the SEI-stamped sim clip, each
// built on the vehicle's own uplink, waits until they are up, then starts M
// WHEP viewers per stream. Viewers are plain pion PeerConnections: they read
// RTP, count packets and sequence gaps, rebuild H.264 access units, and
// measure time to first frame (WHEP POST to the first complete IDR access
// unit) and capture-to-viewer latency (receive time minus the capture stamp
// carried in an SEI; publishers and viewers share this machine's clock).
// Viewers never ask for a keyframe: how fast the server delivers one is part
// of what is measured.
//
// Paths and tokens are templates, so the same run works against the
// fieldwatch hub, MediaMTX or any other WHIP/WHEP server. Given the server's
// pid, the bench samples its CPU time and resident memory from /proc, and it
// measures in the same run what raw loopback UDP costs this machine for the
// same packet rate and size, so the server's CPU per forwarded Mbit/s can be
// read as a ratio to that floor.
package bench
