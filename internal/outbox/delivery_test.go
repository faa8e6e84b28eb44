package outbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// TestDeliveryProperty drives a hub outbox and two vehicle inboxes over a
// simulated link that loses, duplicates and reorders messages and acks,
// with random restarts of either end, and checks that every vehicle
// applies each of its messages exactly once and in order.
func TestDeliveryProperty(t *testing.T) {
	seeds := []uint64{1, 2}
	if testing.Short() {
		seeds = seeds[:1]
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { runDelivery(t, seed, 1000) })
	}
}

// vehicle is one receiving end and its half of the link.
type vehicle struct {
	name    string
	dir     string
	db      *badger.DB
	in      *Inbox
	wire    []Message // hub → vehicle, in flight
	acks    []uint64  // vehicle → hub, in flight
	queued  uint64    // messages the hub enqueued for this vehicle
	bodies  []uint64  // their bodies, in order
	applied int       // Apply calls that returned Applied
}

func runDelivery(t *testing.T, seed uint64, total int) {
	rng := rand.New(rand.NewPCG(seed, 0x0b0c))
	pick := func(n int) int { return rng.IntN(n) }

	hubDir := t.TempDir()
	hubDB := openDB(t, hubDir)
	ob := mustOpen(t, hubDB, "ob/", "hub")
	vs := []*vehicle{{name: "veh-1", dir: t.TempDir()}, {name: "veh/2", dir: t.TempDir()}}
	for _, v := range vs {
		v.db = openDB(t, v.dir)
		v.in = mustOpenInbox(t, v.db)
	}
	enqueued, restarts := 0, 0

	apply := func(v *vehicle, m Message) {
		res, err := v.in.Apply(m, func(txn *badger.Txn) error {
			key := fmt.Appendf(nil, "log/%020d", m.Seq)
			if _, err := txn.Get(key); !errors.Is(err, badger.ErrKeyNotFound) {
				return fmt.Errorf("%s applied twice (%v)", m.ID, err)
			}
			return txn.Set(key, m.Body)
		})
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		if res == Applied {
			v.applied++
		}
		v.acks = append(v.acks, v.in.Last("hub", v.name)) // also the resend request on Gap
	}
	ack := func(v *vehicle, upTo uint64) {
		if err := ob.Ack(v.name, upTo); err != nil {
			t.Fatalf("Ack(%s, %d): %v", v.name, upTo, err)
		}
	}
	done := func() bool {
		for _, v := range vs {
			if v.in.Last("hub", v.name) != v.queued {
				return false
			}
		}
		return enqueued == total && ob.Len("") == 0
	}

	step := 0
	for ; !done(); step++ {
		if step > 200*total {
			t.Fatalf("no convergence after %d steps: enqueued %d, pending %d", step, enqueued, ob.Len(""))
		}
		v := vs[pick(len(vs))]
		// Each action's chance is its share of 1000; an action that cannot
		// run (nothing in flight) is skipped.
		switch r := pick(1000); {
		case r < 200:
			if enqueued < total {
				v.queued = mustEnqueue(t, ob, v.name, enqueued).Seq
				v.bodies = append(v.bodies, uint64(enqueued))
				enqueued++
			}
		case r < 300: // (re)send the head of the backlog
			if len(v.wire) < 64 {
				v.wire = append(v.wire, mustPending(t, ob, v.name, 1+pick(8))...)
			}
		case r < 550: // deliver
			if len(v.wire) > 0 {
				m := v.wire[0]
				v.wire = v.wire[1:]
				apply(v, m)
			}
		case r < 700:
			if len(v.acks) > 0 {
				upTo := v.acks[0]
				v.acks = v.acks[1:]
				ack(v, upTo)
			}
		case r < 750: // lose
			if len(v.wire) > 0 {
				i := pick(len(v.wire))
				v.wire = slices.Delete(v.wire, i, i+1)
			}
		case r < 780:
			if len(v.acks) > 0 {
				i := pick(len(v.acks))
				v.acks = slices.Delete(v.acks, i, i+1)
			}
		case r < 830: // duplicate
			if len(v.wire) > 0 {
				v.wire = append(v.wire, v.wire[pick(len(v.wire))])
			}
		case r < 850:
			if len(v.acks) > 0 {
				v.acks = append(v.acks, v.acks[pick(len(v.acks))])
			}
		case r < 930: // reorder
			if len(v.wire) > 1 {
				i, j := pick(len(v.wire)), pick(len(v.wire))
				v.wire[i], v.wire[j] = v.wire[j], v.wire[i]
			}
		case r < 990:
			if len(v.acks) > 1 {
				i, j := pick(len(v.acks)), pick(len(v.acks))
				v.acks[i], v.acks[j] = v.acks[j], v.acks[i]
			}
		case r < 995: // the link drops: everything in flight is lost
			v.wire, v.acks = nil, nil
		case r < 997: // the hub restarts
			closeDB(t, hubDB)
			hubDB = openDB(t, hubDir)
			ob = mustOpen(t, hubDB, "ob/", "hub")
			restarts++
		case r < 999: // the vehicle restarts and loses its link
			closeDB(t, v.db)
			v.db = openDB(t, v.dir)
			v.in = mustOpenInbox(t, v.db)
			v.wire, v.acks = nil, nil
			restarts++
		}
	}

	for _, v := range vs {
		if v.applied != int(v.queued) {
			t.Errorf("%s: %d messages applied, %d queued", v.name, v.applied, v.queued)
		}
		// The vehicle's log holds each message once, in order, with its body.
		var got []uint64
		err := v.db.View(func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: []byte("log/")})
			defer it.Close()
			for it.Rewind(); it.Valid(); it.Next() {
				var n uint64
				if err := it.Item().Value(func(b []byte) error { return json.Unmarshal(b, &n) }); err != nil {
					return err
				}
				got = append(got, n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, v.bodies) {
			t.Errorf("%s: applied bodies %v\nwant %v", v.name, got, v.bodies)
		}
	}
	if ms := mustPending(t, ob, "", 0); len(ms) != 0 {
		t.Errorf("hub still has %d pending", len(ms))
	}
	t.Logf("%d messages, %d steps, %d restarts", enqueued, step, restarts)
}
