// Package telemetry samples the vehicle computer's health for the hub:
// CPU use from /proc/stat, memory from /proc/meminfo, and the recording
// disk's space with statfs.
package telemetry

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"fieldwatch/protocol"
)

// ErrFormat: a /proc file is not laid out as expected.
var ErrFormat = errors.New("telemetry: unexpected /proc format")

// Sample is one reading.
type Sample struct {
	CPUPercent    float64
	MemUsedBytes  uint64
	MemTotalBytes uint64
	Disk          protocol.DiskState
}

// Sampler reads the machine; it is safe for concurrent use.
type Sampler struct {
	diskPath string
	proc     string
	mu       sync.Mutex
	idle     uint64
	total    uint64
}

// NewSampler samples the disk holding diskPath.
func NewSampler(diskPath string) *Sampler { return &Sampler{diskPath: diskPath, proc: "/proc"} }

// Sample reads CPU, memory and disk. CPU use is over the time since the
// previous call (the first call reports 0). Parts that cannot be read (no
// /proc off Linux, say) are zero, and their errors come back joined
// alongside what could be read.
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
	if s.total != 0 && total > s.total && idle >= s.idle && idle-s.idle <= total-s.total {
		dt := total - s.total
		pct = 100 * float64(dt-(idle-s.idle)) / float64(dt)
	}
	s.idle, s.total = idle, total
	return pct, nil
}

// parseStat reads the aggregate "cpu" line of /proc/stat (proc(5)): user
// nice system idle iowait irq softirq steal, then guest and guest_nice,
// which user and nice already count and so are left out.
func parseStat(data []byte) (idle, total uint64, err error) {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	fields := strings.Fields(string(line))
	if len(fields) < 5 || fields[0] != "cpu" {
		return 0, 0, fmt.Errorf("%w: /proc/stat has no cpu line", ErrFormat)
	}
	fields = fields[1:min(len(fields), 9)]
	for i, f := range fields {
		v, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("%w: /proc/stat field %d: %v", ErrFormat, i+1, err)
		}
		if total+v < total {
			return 0, 0, fmt.Errorf("%w: /proc/stat counters overflow", ErrFormat)
		}
		total += v
		if i == 3 || i == 4 { // idle, iowait
			idle += v
		}
	}
	return idle, total, nil
}

func (s *Sampler) mem() (used, total uint64, err error) {
	data, err := os.ReadFile(s.proc + "/meminfo")
	if err != nil {
		return 0, 0, fmt.Errorf("telemetry: memory: %w", err)
	}
	return parseMeminfo(data)
}

// parseMeminfo reads MemTotal and MemAvailable (in kB) from /proc/meminfo;
// used is what is not available.
func parseMeminfo(data []byte) (used, total uint64, err error) {
	var avail uint64
	var haveTotal, haveAvail bool
	for line := range bytes.Lines(data) {
		fields := strings.Fields(string(line))
		if len(fields) < 2 || (fields[0] != "MemTotal:" && fields[0] != "MemAvailable:") {
			continue
		}
		kb, err := strconv.ParseUint(fields[1], 10, 64)
		if err != nil || kb > math.MaxUint64/1024 {
			return 0, 0, fmt.Errorf("%w: /proc/meminfo %s %q", ErrFormat, fields[0], fields[1])
		}
		if fields[0] == "MemTotal:" {
			total, haveTotal = kb*1024, true
		} else {
			avail, haveAvail = kb*1024, true
		}
	}
	if !haveTotal || !haveAvail || avail > total {
		return 0, 0, fmt.Errorf("%w: /proc/meminfo lacks MemTotal or MemAvailable", ErrFormat)
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
