package telemetry

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSample(t *testing.T) {
	s := NewSampler(filepath.Join(t.TempDir(), "not-yet", "created"))
	first, err := s.Sample()
	if err != nil {
		t.Fatal(err)
	}
	if first.MemTotalBytes == 0 || first.MemUsedBytes > first.MemTotalBytes {
		t.Fatalf("memory: %+v", first)
	}
	if first.Disk.TotalBytes == 0 || first.Disk.FreeBytes > first.Disk.TotalBytes {
		t.Fatalf("disk: %+v", first.Disk)
	}
	for range 2_000_000 { // a little work so the CPU counters move
		_ = os.Getpid()
	}
	second, err := s.Sample()
	if err != nil {
		t.Fatal(err)
	}
	if second.CPUPercent < 0 || second.CPUPercent > 100 {
		t.Fatalf("cpu %v%%", second.CPUPercent)
	}
}

func TestMissingProc(t *testing.T) {
	s := &Sampler{diskPath: t.TempDir(), proc: filepath.Join(t.TempDir(), "no-proc")}
	got, err := s.Sample()
	if err == nil {
		t.Fatal("no error without /proc")
	}
	if got.Disk.TotalBytes == 0 {
		t.Fatal("disk should still be measured")
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add([]byte("cpu  4705 356 584 3699176 23 23 0 0 0 0\ncpu0 1 2 3 4\n"))
	f.Add([]byte("cpu 1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		idle, total, err := parseStat(b)
		if err == nil && idle > total {
			t.Fatalf("idle %d above total %d", idle, total)
		}
	})
}
