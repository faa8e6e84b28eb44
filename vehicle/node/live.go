package node

import (
	"context"
	"sync"
	"time"
)

// liveCheck is how often the live gate looks at the vehicle's clock.
const liveCheck = time.Second

// runLiveGate runs the cameras' uplinks while a mission of this vehicle
// runs (uplink.live: mission): it starts them when a mission's window
// opens on the vehicle's clock (or the hub starts one by hand) and stops
// them when it ends, is closed or is cancelled. The mailbox is the source:
// it works the same with the link down. The uplinks' goroutines belong to
// the gate and are stopped before it returns.
func (n *Node) runLiveGate(ctx context.Context) error {
	check := n.p.LiveCheck
	if check <= 0 {
		check = liveCheck
	}
	tick := time.NewTicker(check)
	defer tick.Stop()
	var (
		stop func()
		wg   sync.WaitGroup
	)
	halt := func() {
		if stop != nil {
			stop()
			wg.Wait()
			stop = nil
			n.liveOn.Store(false)
			n.log.Info("live uplink stopped: no mission runs")
		}
	}
	defer halt()
	for {
		changed := n.mail.Changed()
		active, err := n.mail.MissionActive(n.now())
		switch {
		case err != nil:
			n.log.Error("live gate: missions", "err", err) // keep the state it had
		case active && stop == nil:
			stop = n.startUplinks(ctx, &wg)
			n.liveOn.Store(true)
			n.log.Info("live uplink started: a mission runs")
		case !active:
			halt()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		case <-tick.C:
		}
	}
}

// startUplinks runs every camera's uplink until the returned func is called.
func (n *Node) startUplinks(ctx context.Context, wg *sync.WaitGroup) func() {
	cctx, cancel := context.WithCancel(ctx)
	for _, c := range n.cams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.pub.Run(cctx); err != nil && cctx.Err() == nil {
				n.log.Error("uplink stopped", "camera", c.cfg.ID, "err", err)
			}
		}()
	}
	return cancel
}

// LiveOn reports whether the cameras' uplinks are meant to run now
// (always with uplink.live: always).
func (n *Node) LiveOn() bool {
	return n.p.Config.Uplink.Live != LiveMission || n.liveOn.Load()
}

func (n *Node) now() time.Time {
	if n.p.Now != nil {
		return n.p.Now()
	}
	return time.Now()
}
