package samples

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"fieldwatch/hub/store"
)

func TestSampleSize(t *testing.T) {
	for _, c := range []struct {
		n     int
		share float64
		want  int
	}{{0, 5, 0}, {1, 5, 1}, {19, 5, 1}, {20, 5, 1}, {21, 5, 2}, {30, 5, 2}, {100, 5, 5}, {101, 5, 6}, {7, 100, 7}, {1000, 0.1, 1}, {3, 50, 2}} {
		if got := SampleSize(c.n, c.share); got != c.want {
			t.Errorf("SampleSize(%d, %v%%) = %d, want %d", c.n, c.share, got, c.want)
		}
	}
}

func TestDrawReproducibleDistinct(t *testing.T) {
	for seed := uint64(1); seed < 300; seed++ {
		n := int(seed%97) + 1
		share := float64(seed%20) + 1
		a, b := Draw(n, share, seed), Draw(n, share, seed)
		if !slices.Equal(a, b) {
			t.Fatalf("seed %d: two draws differ", seed)
		}
		if len(a) != SampleSize(n, share) || !slices.IsSorted(a) || len(slices.Compact(slices.Clone(a))) != len(a) || a[0] < 0 || a[len(a)-1] >= n {
			t.Fatalf("seed %d n %d share %v: draw %v", seed, n, share, a)
		}
	}
	if slices.Equal(Draw(1000, 5, 1), Draw(1000, 5, 2)) {
		t.Fatal("different seeds drew the same 50 of 1000")
	}
	// Every item can be drawn: over many seeds each of 20 items comes up.
	hits := make([]int, 20)
	for seed := range uint64(2000) {
		for _, i := range Draw(20, 10, seed) {
			hits[i]++
		}
	}
	for i, h := range hits {
		if h < 100 || h > 300 { // expected 200
			t.Fatalf("item %d drawn %d times of 2000×2", i, h)
		}
	}
}

func TestRoundRobinFair(t *testing.T) {
	got := RoundRobin(7, []string{"gs1", "gs2", "gs3"})
	count := map[string]int{}
	for _, o := range got {
		count[o]++
	}
	if len(got) != 7 || count["gs1"] != 3 || count["gs2"] != 2 || count["gs3"] != 2 || got[3] != "gs1" {
		t.Fatalf("%v", got)
	}
	if RoundRobin(3, nil) != nil {
		t.Fatal("tasks for nobody")
	}
}

func TestStoreImportAndFinish(t *testing.T) {
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := New(db, func() time.Time { return time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC) })
	csv := "Số tờ khai;Doanh nghiệp\n"
	for i := range 45 {
		csv += fmt.Sprintf("1050%02d;Công ty %d\n", i, i)
	}
	csv += "bad;row;extra\n"
	tab, err := Decode([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.Add(Import{Unit: "cc-a", Day: "2027-03-01", Kind: KindDeclaration, Share: 10, Seed: 42, Table: tab, Officers: []string{"gs1", "gs2"}, By: "tb"})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Tasks) != 5 || l.Items != 45 || l.BadRows != 1 || l.Errors[0].Line != 47 || l.Seed != 42 {
		t.Fatalf("%+v", l)
	}
	// The recorded seed repeats the draw.
	for i, d := range Draw(45, 10, 42) {
		if l.Tasks[i].Line != d+2 || l.Tasks[i].Officer != []string{"gs1", "gs2"}[i%2] {
			t.Fatalf("task %d: %+v", i, l.Tasks[i])
		}
	}
	mine := func(l List, tk Task) error {
		if tk.Officer != "gs1" {
			return fmt.Errorf("not yours")
		}
		return nil
	}
	if _, err := s.Finish(l.ID, 2, "gs1", ResultNoFinding, "", mine); err == nil {
		t.Fatal("closed someone else's task")
	}
	if _, err := s.Finish(l.ID, 1, "gs1", ResultSuspicious, " ", mine); err == nil {
		t.Fatal("suspicious without a note")
	}
	if l, err = s.Finish(l.ID, 1, "gs1", ResultSuspicious, "Sai mã HS", mine); err != nil || l.Tasks[0].Result != ResultSuspicious {
		t.Fatal(l.Tasks[0], err)
	}
	if _, err := s.Finish(l.ID, 1, "gs1", ResultNoFinding, "", mine); err == nil {
		t.Fatal("closed twice")
	}
	if _, err := s.Add(Import{Unit: "cc-a", Day: "2027-03-01", Kind: KindDeclaration, Share: 10, Table: tab}); err == nil {
		t.Fatal("a list with nobody on duty")
	}
	if _, err := s.Add(Import{Unit: "cc-a", Day: "2027-03-01", Kind: KindDeclaration, Share: 0, Table: tab, Officers: []string{"a"}}); err == nil {
		t.Fatal("share 0 accepted")
	}
}
