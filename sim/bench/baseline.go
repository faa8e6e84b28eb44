package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// baseline is what moving the run's forwarded traffic over raw loopback UDP
// costs this machine: one sender and one receiver socket in this process,
// at the same packet rate and mean size. It is the floor any forwarder's
// CPU per Mbit/s can be compared with.
type baseline struct {
	PacketsPerSec float64 `json:"packets_per_sec"` // target
	PacketSize    int     `json:"packet_size"`
	Mbps          float64 `json:"mbps"` // received
	LossPct       float64 `json:"loss_pct"`
	CPUPercent    float64 `json:"cpu_percent"` // of one core, sender + receiver
	CPUPerMbps    float64 `json:"cpu_percent_per_mbps"`
}

// baselineTick is the sender's pacing step: packets due go out in bursts,
// as a forwarder sends a frame's packets together.
const baselineTick = 5 * time.Millisecond

// measureBaseline sends pps packets per second of size bytes from one
// loopback UDP socket to another for d, and measures this process's CPU
// time meanwhile (getrusage). Nothing else of the bench may run then.
func measureBaseline(ctx context.Context, pps float64, size int, d time.Duration) (baseline, error) {
	b := baseline{PacketsPerSec: pps, PacketSize: size}
	if pps <= 0 || size <= 0 || size > 65507 {
		return b, fmt.Errorf("bench: baseline: bad rate %.0f packets/s of %d bytes", pps, size)
	}
	rx, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return b, fmt.Errorf("bench: baseline: %w", err)
	}
	defer rx.Close()
	_ = rx.SetReadBuffer(4 << 20) // best effort: the kernel may cap it
	tx, err := net.DialUDP("udp4", nil, rx.LocalAddr().(*net.UDPAddr))
	if err != nil {
		return b, fmt.Errorf("bench: baseline: %w", err)
	}
	defer tx.Close()

	type count struct{ packets, bytes uint64 }
	got := make(chan count, 1)
	go func() {
		var c count
		buf := make([]byte, 65536)
		for {
			n, err := rx.Read(buf)
			if err != nil {
				got <- c
				return
			}
			c.packets++
			c.bytes += uint64(n)
		}
	}()

	cpu0, err := selfCPU()
	if err != nil {
		return b, err
	}
	payload := make([]byte, size)
	start := time.Now()
	tick := time.NewTicker(baselineTick)
	defer tick.Stop()
	var sent uint64
	var sendErr error
	for sendErr == nil {
		elapsed := time.Since(start)
		due := uint64(pps * min(elapsed, d).Seconds())
		for ; sent < due; sent++ {
			if _, err := tx.Write(payload); err != nil {
				sendErr = fmt.Errorf("bench: baseline send: %w", err)
				break
			}
		}
		if elapsed >= d {
			break
		}
		select {
		case <-ctx.Done():
			sendErr = ctx.Err()
		case <-tick.C:
		}
	}
	elapsed := time.Since(start)
	// Let the receiver drain its socket, then stop it.
	_ = rx.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	c := <-got
	cpu1, err := selfCPU()
	if err := errors.Join(sendErr, err); err != nil {
		return b, err
	}
	b.Mbps = float64(c.bytes) * 8 / elapsed.Seconds() / 1e6
	if sent > 0 {
		b.LossPct = 100 * float64(sent-min(c.packets, sent)) / float64(sent)
	}
	b.CPUPercent = 100 * (cpu1 - cpu0).Seconds() / elapsed.Seconds()
	if b.Mbps > 0 {
		b.CPUPerMbps = b.CPUPercent / b.Mbps
	}
	return b, nil
}
