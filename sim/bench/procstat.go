package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// clockTicks is Linux's USER_HZ, the unit of /proc/PID/stat times: 100 on
// every architecture Go supports (proc(5)).
const clockTicks = 100

// Errors of the /proc parsers.
var (
	ErrProcStat   = errors.New("bench: malformed /proc/PID/stat")
	ErrProcStatus = errors.New("bench: no VmRSS in /proc/PID/status")
)

// procCPU is a process's CPU time (user + system) from /proc/PID/stat.
func procCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("bench: cpu of pid %d: %w", pid, err)
	}
	return parseStat(string(data))
}

// parseStat reads utime + stime (fields 14 and 15, proc(5)) from a
// /proc/PID/stat line. The command name (field 2) may hold spaces and
// parentheses, so fields count from the last ')'.
func parseStat(s string) (time.Duration, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("%w: no ')' after the command name", ErrProcStat)
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state), so utime is f[11] and stime f[12].
	if len(f) < 13 {
		return 0, fmt.Errorf("%w: %d fields after the command name", ErrProcStat, len(f))
	}
	u, err := strconv.ParseUint(f[11], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: utime: %w", ErrProcStat, err)
	}
	st, err := strconv.ParseUint(f[12], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: stime: %w", ErrProcStat, err)
	}
	const maxTicks = uint64(1<<63-1) / uint64(time.Second/clockTicks)
	if u > maxTicks || st > maxTicks-u {
		return 0, fmt.Errorf("%w: times out of range", ErrProcStat)
	}
	return time.Duration(u+st) * (time.Second / clockTicks), nil
}

// procRSS is a process's resident memory in bytes from /proc/PID/status.
func procRSS(pid int) (uint64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("bench: memory of pid %d: %w", pid, err)
	}
	return parseStatusRSS(string(data))
}

// parseStatusRSS reads the "VmRSS:  1234 kB" line of /proc/PID/status.
func parseStatusRSS(s string) (uint64, error) {
	for line := range strings.Lines(s) {
		rest, ok := strings.CutPrefix(line, "VmRSS:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("%w: line %q", ErrProcStatus, strings.TrimSpace(line))
		}
		kb, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil || kb > 1<<53 {
			return 0, fmt.Errorf("%w: value %q", ErrProcStatus, f[0])
		}
		return kb * 1024, nil
	}
	return 0, ErrProcStatus
}

// selfCPU is this process's CPU time (user + system) from getrusage(2).
func selfCPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("bench: getrusage: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

// rssSampler samples a process's resident memory every interval and keeps
// the peak, until stopped or its context ends.
type rssSampler struct {
	pid    int
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once

	mu   sync.Mutex
	peak uint64
	err  error
}

func startRSSSampler(ctx context.Context, pid int, interval time.Duration) *rssSampler {
	ctx, cancel := context.WithCancel(ctx)
	s := &rssSampler{pid: pid, cancel: cancel, done: make(chan struct{})}
	s.sample()
	go func() {
		defer close(s.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.sample()
			}
		}
	}()
	return s
}

func (s *rssSampler) sample() {
	rss, err := procRSS(s.pid)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.err = err
		return
	}
	s.peak = max(s.peak, rss)
}

// stop ends the sampling (once; later calls only wait) and returns the
// peak, and the last error if a sample failed.
func (s *rssSampler) stop() (uint64, error) {
	s.once.Do(func() {
		s.sample()
		s.cancel()
	})
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak, s.err
}
