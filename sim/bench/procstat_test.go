package bench

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"
)

func TestProcOfSelf(t *testing.T) {
	// Burn some CPU so that the tick-granular counter moves.
	cpu0, err := procCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		cpu1, err := procCPU(os.Getpid())
		if err != nil {
			t.Fatal(err)
		}
		if cpu1 > cpu0 {
			break
		}
		x := 0
		for i := range 1_000_000 {
			x += i
		}
		_ = x
	}
	if cpu1, _ := procCPU(os.Getpid()); cpu1 <= cpu0 {
		t.Fatalf("cpu time of this process did not move: %v then %v", cpu0, cpu1)
	}
	self, err := selfCPU()
	if err != nil || self <= 0 {
		t.Fatalf("getrusage: %v %v", self, err)
	}
	rss, err := procRSS(os.Getpid())
	if err != nil || rss < 1<<20 {
		t.Fatalf("rss %d %v", rss, err)
	}
	s := startRSSSampler(context.Background(), os.Getpid(), time.Millisecond)
	peak, err := s.stop()
	if err != nil || peak < 1<<20 {
		t.Fatalf("sampler peak %d %v", peak, err)
	}
	if _, err := procCPU(1 << 30); err == nil {
		t.Fatal("cpu of a process that cannot exist")
	}
}

func TestParseStat(t *testing.T) {
	for _, c := range []struct {
		name, line string
		want       time.Duration
		err        error
	}{
		{"real line", "1234 (fieldwatch) S 1 1234 1234 0 -1 4194560 5000 0 0 0 250 150 0 0 20 0 12 0 100 0 0", 4 * time.Second, nil},
		{"name with spaces and parentheses", "42 (a) b) c) S 1 2 3 4 5 6 7 8 9 10 250 150 0 0", 4 * time.Second, nil},
		{"no parenthesis", "42 fieldwatch S 1 2", 0, ErrProcStat},
		{"too short", "42 (x) S 1 2 3", 0, ErrProcStat},
		{"negative time", "42 (x) S 1 2 3 4 5 6 7 8 9 10 -1 150", 0, ErrProcStat},
		{"overflow", "42 (x) S 1 2 3 4 5 6 7 8 9 10 18446744073709551615 1", 0, ErrProcStat},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseStat(c.line)
			if !errors.Is(err, c.err) || got != c.want {
				t.Fatalf("parseStat = %v, %v; want %v, %v", got, err, c.want, c.err)
			}
		})
	}
}

func TestParseStatusRSS(t *testing.T) {
	got, err := parseStatusRSS("Name:\tfw\nVmPeak:\t  9000 kB\nVmRSS:\t    2048 kB\nThreads: 9\n")
	if err != nil || got != 2048*1024 {
		t.Fatalf("rss %d %v", got, err)
	}
	for _, bad := range []string{"", "Name: x\n", "VmRSS: lots kB\n", "VmRSS: 12 MB\n"} {
		if _, err := parseStatusRSS(bad); !errors.Is(err, ErrProcStatus) {
			t.Errorf("parseStatusRSS(%q) error %v", bad, err)
		}
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add("1 (fieldwatch) S 1 1 1 0 -1 4194560 1 0 0 0 12 5 0 0 20 0 10 0")
	f.Add("42 (a) b) c) S 1 2 3 4 5 6 7 8 9 10 250 150 0 0")
	f.Add("x)")
	f.Add(")")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseStat(s)
		if err != nil {
			if !errors.Is(err, ErrProcStat) || d != 0 {
				t.Fatalf("error %v with %v", err, d)
			}
			return
		}
		if d < 0 || d%(time.Second/clockTicks) != 0 {
			t.Fatalf("cpu time %v from %q", d, s)
		}
	})
}

func FuzzParseStatusRSS(f *testing.F) {
	f.Add("VmRSS:\t    2048 kB\n")
	f.Add("VmRSS:")
	f.Fuzz(func(t *testing.T, s string) {
		if v, err := parseStatusRSS(s); err != nil && (v != 0 || !errors.Is(err, ErrProcStatus)) {
			t.Fatalf("%d, %v", v, err)
		}
	})
}
