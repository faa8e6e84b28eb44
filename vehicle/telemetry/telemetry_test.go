package telemetry

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// fakeProc writes a /proc with the given stat and meminfo.
func fakeProc(t *testing.T, dir, stat, meminfo string) {
	t.Helper()
	for name, data := range map[string]string{"stat": stat, "meminfo": meminfo} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const meminfo = "MemTotal:        8000000 kB\nMemFree:          100000 kB\nMemAvailable:    6000000 kB\nBuffers: 1 kB\n"

func TestSampleFromFakeProc(t *testing.T) {
	proc := t.TempDir()
	s := &Sampler{diskPath: t.TempDir(), proc: proc}
	//                user nice system idle iowait irq softirq steal guest guest_nice
	fakeProc(t, proc, "cpu  1000 0 500 8000 500 0 0 0 700 0\ncpu0 1 2 3 4 5\n", meminfo)
	first, err := s.Sample()
	if err != nil {
		t.Fatal(err)
	}
	if first.CPUPercent != 0 {
		t.Fatalf("first sample has no interval, got %v%%", first.CPUPercent)
	}
	if first.MemTotalBytes != 8000000*1024 || first.MemUsedBytes != 2000000*1024 {
		t.Fatalf("memory %+v", first)
	}
	if first.Disk.TotalBytes == 0 || first.Disk.FreeBytes > first.Disk.TotalBytes || first.Disk.Path != s.diskPath {
		t.Fatalf("disk %+v", first.Disk)
	}
	// 1000 ticks pass: 300 busy (user, system), 600 idle, 100 iowait; guest is inside user.
	fakeProc(t, proc, "cpu  1200 0 600 8600 600 0 0 0 900 0\n", meminfo)
	second, err := s.Sample()
	if err != nil {
		t.Fatal(err)
	}
	if second.CPUPercent != 30 {
		t.Fatalf("cpu %v%%, want 30%%", second.CPUPercent)
	}
	// Counters that went back (a reset) give 0, not garbage.
	fakeProc(t, proc, "cpu  1 0 1 1 1 0 0 0\n", meminfo)
	if third, err := s.Sample(); err != nil || third.CPUPercent != 0 {
		t.Fatalf("after a reset: %v%% %v", third.CPUPercent, err)
	}
}

func TestSampleThisMachine(t *testing.T) {
	if _, err := os.Stat("/proc/stat"); err != nil {
		t.Skip("no /proc here")
	}
	s := NewSampler(filepath.Join(t.TempDir(), "not-yet", "created"))
	got, err := s.Sample()
	if err != nil {
		t.Fatal(err)
	}
	if got.MemTotalBytes == 0 || got.MemUsedBytes > got.MemTotalBytes || got.Disk.TotalBytes == 0 {
		t.Fatalf("%+v", got)
	}
}

func TestMissingProc(t *testing.T) {
	s := &Sampler{diskPath: t.TempDir(), proc: filepath.Join(t.TempDir(), "no-proc")}
	got, err := s.Sample()
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("want a not-exist error without /proc, got %v", err)
	}
	if got.Disk.TotalBytes == 0 || got.MemTotalBytes != 0 || got.CPUPercent != 0 {
		t.Fatalf("disk should still be measured, the rest zero: %+v", got)
	}
}

func TestBadProcFormat(t *testing.T) {
	proc := t.TempDir()
	fakeProc(t, proc, "intr 1 2 3\n", "MemTotal: 1 kB\n")
	_, err := (&Sampler{diskPath: t.TempDir(), proc: proc}).Sample()
	if !errors.Is(err, ErrFormat) {
		t.Fatalf("got %v", err)
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add([]byte("cpu  4705 356 584 3699176 23 23 0 0 0 0\ncpu0 1 2 3 4\n"))
	f.Add([]byte("cpu 1"))
	f.Add([]byte("cpu 18446744073709551615 1 1 1 1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		idle, total, err := parseStat(b)
		if err == nil && idle > total {
			t.Fatalf("idle %d above total %d", idle, total)
		}
	})
}

func FuzzParseMeminfo(f *testing.F) {
	f.Add([]byte(meminfo))
	f.Add([]byte("MemTotal: 18014398509481984 kB\nMemAvailable: 1 kB\n"))
	f.Add([]byte("MemAvailable: 5 kB\nMemTotal: 4 kB\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		used, total, err := parseMeminfo(b)
		if err == nil && used > total {
			t.Fatalf("used %d above total %d", used, total)
		}
	})
}
