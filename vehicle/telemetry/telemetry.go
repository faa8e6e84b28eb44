// Package telemetry samples the vehicle computer's health for the hub:
// CPU use from /proc/stat, memory from /proc/meminfo, and the recording
// disk's space with statfs.
package telemetry

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"fieldwatch/protocol"
)

// Sample is one reading.
type Sample struct {
	CPUPercent    float64
	MemUsedBytes  uint64
	MemTotalBytes uint64
	Disk          protocol.DiskState
}

// Sampler reads the machine; CPU use is measured between two calls.
type Sampler struct {
	diskPath string
	proc     string
	mu       sync.Mutex
	idle     uint64
	total    uint64
}

// NewSampler samples the disk holding diskPath.
func NewSampler(diskPath string) *Sampler { return &Sampler{diskPath: diskPath, proc: "/proc"} }

// Sample reads CPU, memory and disk. Parts that cannot be read are zero,
// and the first error is returned with what could be read.
func (s *Sampler) Sample() (Sample, error) {
	var out Sample
	var errs []error
	if pct, err := s.cpu(); err == nil {
		out.CPUPercent = pct
	} else {
		errs = append(errs, err)
	}
	if used, total, err := s.mem(); err == nil {
		out.MemUsedBytes, out.MemTotalBytes = used, total
	} else {
		errs = append(errs, err)
	}
	if d, err := disk(s.diskPath); err == nil {
		out.Disk = d
	} else {
		errs = append(errs, err)
	}
	return out, errors.Join(errs...)
}

func (s *Sampler) cpu() (float64, error) {
	data, err := os.ReadFile(s.proc + "/stat")
	if err != nil {
		return 0, fmt.Errorf("telemetry: cpu: %w", err)
	}
	idle, total, err := parseStat(data)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pct := 0.0
	if s.total != 0 && total > s.total {
		busy := float64((total - s.total) - (idle - s.idle))
		pct = 100 * busy / float64(total-s.total)
	}
	s.idle, s.total = idle, total
	return max(pct, 0), nil
}

// parseStat reads the aggregate "cpu" line of /proc/stat.
func parseStat(data []byte) (idle, total uint64, err error) {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	fields := strings.Fields(string(line))
	if len(fields) < 5 || fields[0] != "cpu" {
		return 0, 0, errors.New("telemetry: /proc/stat has no cpu line")
	}
	for i, f := range fields[1:] {
		v, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("telemetry: /proc/stat field %d: %w", i+1, err)
		}
		total += v
		if i == 3 || i == 4 { // idle, iowait
			idle += v
		}
	}
	return idle, total, nil
}

func (s *Sampler) mem() (used, total uint64, err error) {
	f, err := os.Open(s.proc + "/meminfo")
	if err != nil {
		return 0, 0, fmt.Errorf("telemetry: memory: %w", err)
	}
	defer f.Close()
	var avail uint64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		v, err := strconv.ParseUint(fields[1], 10, 64)
		if err != nil {
			continue
		}
		switch fields[0] {
		case "MemTotal:":
			total = v * 1024
		case "MemAvailable:":
			avail = v * 1024
		}
	}
	if total == 0 || avail > total {
		return 0, 0, errors.New("telemetry: /proc/meminfo lacks MemTotal or MemAvailable")
	}
	return total - avail, total, nil
}

// disk measures the file system holding path; the data directory may not
// exist yet, so the nearest existing parent is measured.
func disk(path string) (protocol.DiskState, error) {
	for p := path; ; {
		var st syscall.Statfs_t
		err := syscall.Statfs(p, &st)
		if err == nil {
			bs := uint64(st.Bsize)
			return protocol.DiskState{Path: path, TotalBytes: st.Blocks * bs, FreeBytes: st.Bavail * bs}, nil
		}
		parent := filepath.Dir(p)
		if parent == p {
			return protocol.DiskState{}, fmt.Errorf("telemetry: statfs %s: %w", path, err)
		}
		p = parent
	}
}
