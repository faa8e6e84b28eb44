package alerts

import (
	"fmt"
	"testing"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/command"
	"fieldwatch/hub/command/commandtest"
	"fieldwatch/hub/httpapi/apitest"
	"fieldwatch/hub/store"
)

func TestCommandsReplay(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	alert := func(n int, vehicle, kind, msg string) Alert {
		at := t0.Add(time.Duration(n) * time.Minute)
		return Alert{ID: fmt.Sprintf("%020d", at.UnixNano()), Time: at, Vehicle: vehicle, Kind: kind, Message: msg}
	}
	db := commandtest.Replay(t, func(t *testing.T, db *store.DB) command.Applier { return New(db, 0, nil) }, []command.Command{
		Raise{Alert: alert(0, "xe-01", KindDiskLow, "đĩa sắp đầy")},
		Raise{Alert: alert(1, "xe-01", KindDiskFull, "đĩa đầy")},
		Raise{Alert: alert(2, "", KindHubStorage, "hub không lưu được đoạn ghi")},
	})
	list, err := New(db, 0, nil).List(10, nil)
	if err != nil || len(list) != 3 || list[0].Kind != KindHubStorage || list[2].Kind != KindDiskLow {
		t.Fatalf("list %v %+v", err, list)
	}
}

func TestRaiseGivesIncreasingIDs(t *testing.T) {
	t.Parallel()
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	var raised []Raise
	var s *Store
	s = Open(Params{DB: db, Now: func() time.Time { return now }, Submit: command.SubmitFunc(func(c command.Command) error {
		raised = append(raised, c.(Raise))
		return s.Apply(c)
	})})
	a, _ := s.Raise(KindTamper, "xe-01", "cam1", "hash")
	b, _ := s.Raise(KindTamper, "xe-01", "cam1", "hash") // same clock reading
	if a.ID >= b.ID || len(raised) != 2 || raised[1].Alert != b || !b.Time.Equal(now) {
		t.Fatalf("ids %s %s, commands %+v", a.ID, b.ID, raised)
	}
}

type tree struct{}

func (tree) Within(unit, ancestor string) bool { return unit == ancestor }

type units map[string]string

func (u units) UnitOf(v string) (string, error) {
	if unit, ok := u[v]; ok {
		return unit, nil
	}
	return "", fmt.Errorf("unknown vehicle %q", v)
}

func TestListOfTheUsersScope(t *testing.T) {
	t.Parallel()
	db, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := New(db, 0, nil)
	for _, v := range []string{"xe-01", "xe-02", ""} {
		if _, err := s.Raise(KindDiskFull, v, "", "đầy "+v); err != nil {
			t.Fatal(err)
		}
	}
	scope := access.Scope{Tree: tree{}, Vehicles: units{"xe-01": "cc-a", "xe-02": "cc-b"}}
	srv := apitest.New(t, scope, NewAPI(APIParams{Store: s, Scope: scope}).Routes())
	srv.User(auth.User{Username: "duty-a", Unit: "cc-a", Roles: []string{access.Duty}})
	srv.User(auth.User{Username: "admin", Unit: "cuc", Roles: []string{access.Admin}})
	var list []Alert
	srv.JSON("duty-a", "GET", "/api/v1/alerts", nil, 200, &list)
	if len(list) != 1 || list[0].Vehicle != "xe-01" {
		t.Fatalf("duty-a sees %+v", list)
	}
	srv.JSON("admin", "GET", "/api/v1/alerts", nil, 200, &list)
	if len(list) != 3 || list[0].Vehicle != "" {
		t.Fatalf("admin sees %+v", list)
	}
}
