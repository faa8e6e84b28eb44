package bench

import (
	"context"
	"fmt"
	"net"
	"time"
)

// baseline is the CPU cost of moving the same traffic over raw loopback
// UDP (one sender, one receiver, in this process), for comparison with the
// hub's cost per forwarded Mbit/s.
type baseline struct {
	Mbps          float64 // achieved
	CPUPercent    float64 // of one core, sender + receiver
	CPUPerMbps    float64 // percent of a core per Mbit/s
	PacketsPerSec float64
}

// measureBaseline sends pps packets of size bytes per second for d.
func measureBaseline(ctx context.Context, pps float64, size int, d time.Duration) (baseline, error) {
	var b baseline
	rx, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return b, fmt.Errorf("bench: baseline: %w", err)
	}
	defer rx.Close()
	tx, err := net.DialUDP("udp4", nil, rx.LocalAddr().(*net.UDPAddr))
	if err != nil {
		return b, fmt.Errorf("bench: baseline: %w", err)
	}
	defer tx.Close()
	got := make(chan uint64, 1)
	go func() {
		buf := make([]byte, 2048)
		var n uint64
		for {
			k, err := rx.Read(buf)
			if err != nil {
				got <- n
				return
			}
			n += uint64(k)
		}
	}()
	payload := make([]byte, size)
	start, cpu0 := time.Now(), selfCPU()
	interval := time.Duration(float64(time.Second) / pps * 10) // send in bursts of 10, like frames
	tick := time.NewTicker(max(interval, time.Millisecond))
	defer tick.Stop()
	perTick := max(int(pps*max(interval, time.Millisecond).Seconds()), 1)
	sent := 0
	for time.Since(start) < d && ctx.Err() == nil {
		<-tick.C
		for range perTick {
			if _, err := tx.Write(payload); err == nil {
				sent++
			}
		}
	}
	elapsed, cpu := time.Since(start), selfCPU()-cpu0
	_ = rx.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	bytes := <-got
	b.Mbps = float64(bytes) * 8 / elapsed.Seconds() / 1e6
	b.CPUPercent = 100 * cpu.Seconds() / elapsed.Seconds()
	b.PacketsPerSec = float64(sent) / elapsed.Seconds()
	if b.Mbps > 0 {
		b.CPUPerMbps = b.CPUPercent / b.Mbps
	}
	return b, nil
}
