package watch

import (
	"cmp"
	"slices"
)

// Load is one group's weight in the automatic spread: its camera count.
type Load struct {
	Group   string
	Cameras int
}

// Spread distributes every group over the officers so that camera counts
// are as even as the groups allow: groups are taken largest first and each
// goes to the officer with the fewest cameras so far (then fewest groups,
// then name). With at least one officer every group is assigned, so every
// camera of the groups is watched; the spread between the busiest and the
// least busy officer is at most the largest group's size. The result maps
// each officer to its groups, in the input order of the groups; officers
// left without a group (more officers than groups) are absent.
func Spread(groups []Load, officers []string) map[string][]string {
	out := map[string][]string{}
	if len(officers) == 0 {
		return out
	}
	order := slices.Clone(groups)
	slices.SortStableFunc(order, func(a, b Load) int { return cmp.Compare(b.Cameras, a.Cameras) })
	names := slices.Clone(officers)
	slices.Sort(names)
	names = slices.Compact(names)
	cams := map[string]int{}
	count := map[string]int{}
	pick := map[string]string{}
	for _, g := range order {
		best := names[0]
		for _, o := range names[1:] {
			if cams[o] < cams[best] || cams[o] == cams[best] && count[o] < count[best] {
				best = o
			}
		}
		cams[best] += g.Cameras
		count[best]++
		pick[g.Group] = best
	}
	for _, g := range groups {
		if o, ok := pick[g.Group]; ok {
			out[o] = append(out[o], g.Group)
		}
	}
	return out
}
