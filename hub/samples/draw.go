package samples

import (
	"math"
	"math/rand/v2"
	"slices"
)

// SampleSize is how many of n items a share (percent, 0 < share ≤ 100)
// draws: n × share / 100 rounded up, at least 1 of a non-empty list, at
// most n. Rounding up means a 5% share of 30 items draws 2, never fewer
// than the share asks.
func SampleSize(n int, share float64) int {
	if n == 0 {
		return 0
	}
	k := int(math.Ceil(float64(n)*share/100 - 1e-9))
	return min(max(k, 1), n)
}

// Draw picks SampleSize(n, share) distinct indices of [0, n) at random
// with the given seed: the same seed, n and share give the same draw. The
// indices come back in ascending order (the list's order).
func Draw(n int, share float64, seed uint64) []int {
	k := SampleSize(n, share)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	for i := range k { // partial Fisher–Yates
		j := i + r.IntN(n-i)
		idx[i], idx[j] = idx[j], idx[i]
	}
	out := slices.Clone(idx[:k])
	slices.Sort(out)
	return out
}

// RoundRobin gives task i to officers[i mod len(officers)]: counts differ
// by at most one. It returns nil without officers.
func RoundRobin(tasks int, officers []string) []string {
	if len(officers) == 0 {
		return nil
	}
	out := make([]string, tasks)
	for i := range out {
		out[i] = officers[i%len(officers)]
	}
	return out
}
