package demo

import (
	"context"
	"math/rand/v2"
	"time"
)

// Outage timing when random outages are on: a cut every 20–60 s, lasting
// 3–30 s, like a vehicle passing through tunnels and border dead zones.
const (
	outageEveryMin = 20 * time.Second
	outageEveryMax = 60 * time.Second
	outageMin      = 3 * time.Second
	outageMax      = 30 * time.Second
)

// outageTiming bounds the time between outages and their length.
type outageTiming struct{ everyMin, everyMax, lenMin, lenMax time.Duration }

var defaultOutages = outageTiming{outageEveryMin, outageEveryMax, outageMin, outageMax}

// randomOutages cuts a random vehicle's link now and then until ctx ends.
func (d *Demo) randomOutages(ctx context.Context, tm outageTiming) {
	defer d.wg.Done()
	between := func(lo, hi time.Duration) time.Duration { return lo + rand.N(hi-lo+1) }
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(between(tm.everyMin, tm.everyMax)):
		}
		id := d.order[rand.IntN(len(d.order))]
		length := between(tm.lenMin, tm.lenMax)
		d.log.Info("demo: random outage", "vehicle", id, "for", length.Round(time.Second))
		_ = d.SetLink(id, false)
		select {
		case <-ctx.Done():
			return
		case <-time.After(length):
		}
		_ = d.SetLink(id, true)
	}
}
