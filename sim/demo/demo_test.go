package demo

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"
)

// With random outages on, vehicles' links are cut and restored by themselves.
func TestRandomOutages(t *testing.T) {
	d, err := Start(context.Background(), Options{
		HTTPAddr: "127.0.0.1:0", DataDir: t.TempDir(), Vehicles: 2, CamerasPerVehicle: 1, Password: "mat-khau-kiem-thu",
		Outages: true, outages: outageTiming{50 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cuts, restores := 0, 0
	was := map[string]bool{"xe-01": true, "xe-02": true}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && (cuts < 2 || restores < 2) {
		for id := range was {
			up, _ := d.linkUp(id)
			if up != was[id] {
				if up {
					restores++
				} else {
					cuts++
				}
				was[id] = up
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	if cuts < 2 || restores < 2 {
		t.Fatalf("saw %d cuts and %d restores in 5 s", cuts, restores)
	}
	if len(d.Logins()) != 10+len(rosterPool()) || len(d.VehicleIDs()) != 2 {
		t.Fatalf("seeded %d logins and %d vehicles", len(d.Logins()), len(d.VehicleIDs()))
	}
	// Each branch's published roster has its 24-hour shift fully staffed now.
	for _, who := range []string{"trucban.huunghi", "giamsat1.dongdang"} {
		var onDuty []struct{ Officer, Role string }
		if err := d.call(context.Background(), who, d.logins[0].Password, "GET", "/api/v1/onduty", "", &onDuty); err != nil || len(onDuty) != 3 {
			t.Fatalf("%s: on duty now: %+v %v", who, onDuty, err)
		}
	}
}
