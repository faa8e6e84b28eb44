package demo

import (
	"context"
	"io"
	"log/slog"
	"testing"
)

// A demo started again on its own data keeps it: the first run's
// passwords, an account locked meanwhile stays locked, and no second
// roster is made.
func TestRestartOnItsDataKeepsIt(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the demo twice")
	}
	dir := t.TempDir()
	start := func(password string) *Demo {
		d, err := Start(context.Background(), Options{HTTPAddr: "127.0.0.1:0", DataDir: dir, Vehicles: 1, CamerasPerVehicle: 1,
			Password: password, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	rosters := func(d *Demo) int {
		list, err := d.hub.Rosters().Store().List()
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	d := start("mat-khau-lan-dau")
	if err := d.hub.Auth().Lock("trucban.dongdang", "thử"); err != nil {
		t.Fatal(err)
	}
	first := rosters(d)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	d = start("mat-khau-lan-hai")
	defer d.Close()
	if _, _, _, err := d.hub.Auth().Login("lanhdao", "mat-khau-lan-dau", "127.0.0.1", "test"); err != nil {
		t.Errorf("the first run's password no longer works: %v", err)
	}
	if _, _, _, err := d.hub.Auth().Login("lanhdao.huunghi", "mat-khau-lan-hai", "127.0.0.1", "test"); err == nil {
		t.Error("the second run reset the passwords")
	}
	if u, err := d.hub.Auth().User("trucban.dongdang"); err != nil || !u.Locked {
		t.Errorf("the locked account was unlocked: %+v %v", u, err)
	}
	if n := rosters(d); n != first {
		t.Errorf("%d rosters after the restart, %d before", n, first)
	}
	if len(d.Logins()) == 0 {
		t.Error("no logins listed")
	}
}
