package bench

import (
	"os"
	"testing"
)

func TestProcOfSelf(t *testing.T) {
	cpu, err := procCPU(os.Getpid())
	if err != nil || cpu < 0 {
		t.Fatalf("cpu %v %v", cpu, err)
	}
	rss, peak, err := procRSS(os.Getpid())
	if err != nil || rss == 0 || peak < rss {
		t.Fatalf("rss %d peak %d %v", rss, peak, err)
	}
	if got, err := parseStat("42 (a) b) c) S 1 2 3 4 5 6 7 8 9 10 250 150 0 0"); err != nil || got.Seconds() != 4 {
		t.Fatalf("parse with parentheses in the name: %v %v", got, err)
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add("1 (fieldwatch) S 1 1 1 0 -1 4194560 1 0 0 0 12 5 0 0 20 0 10 0")
	f.Add("x)")
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := parseStat(s); err == nil && d < 0 {
			t.Fatalf("negative cpu time %v", d)
		}
	})
}
