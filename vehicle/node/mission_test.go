package node

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"fieldwatch/hub/auth"
	"fieldwatch/hub/server"
	"fieldwatch/internal/testwait"
	"fieldwatch/protocol"
	simcam "fieldwatch/sim/camera"
	"fieldwatch/sim/link"
	"fieldwatch/vehicle/uplink"
)

const missionToken = "token-xe-01-0123456789"

// missionHub runs a hub with vehicle xe-01 (one camera) in unit u and a
// duty officer, and returns its address and the officer's token.
func missionHub(t *testing.T) (string, string) {
	t.Helper()
	cfg := server.DefaultConfig()
	cfg.DataDir = t.TempDir()
	cfg.HTTP.Addr, cfg.HTTP.TLS = "127.0.0.1:0", "off"
	cfg.WebRTC.LoopbackOnly = true
	cfg.Units.Tree = []server.UnitConfig{{ID: "u", Name: "Chi cục"}}
	cfg.Vehicles = []server.VehicleConfig{{ID: "xe-01", Name: "Xe 01", Unit: "u", Token: missionToken,
		Cameras: []server.CameraConfig{{ID: "cam1", Name: "Trước"}}}}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h, err := server.New(server.Options{Config: cfg, Logger: log, AdminPassword: "mat-khau-quan-tri"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []auth.User{{Username: "trucban", Name: "Trực ban", Unit: "u", Roles: []string{auth.RoleDuty}},
		{Username: "to.truong", Name: "Tổ trưởng", Unit: "u", Roles: []string{auth.RoleCrew}}} {
		if err := h.Auth().PutUser(u, "mat-khau-truc-ban"); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := h.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = h.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; h.Close() })
	tok, _, _, err := h.Auth().Login("trucban", "mat-khau-truc-ban", "", "")
	if err != nil {
		t.Fatal(err)
	}
	return "http://" + ln.Addr().String(), tok
}

// vclock is the vehicle's fake clock.
type vclock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *vclock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *vclock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *vclock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

// missionNode runs vehicle xe-01 against the hub over a simulated link.
func missionNode(t *testing.T, hub string, l *link.Link, live string, clock *vclock, cameraURL string) *Node {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Hub, cfg.Token, cfg.DataDir, cfg.LoopbackOnly = hub, missionToken, t.TempDir(), true
	cfg.TelemetryInterval = 500 * time.Millisecond
	cfg.Recording.BudgetBytes = 64 << 20
	cfg.Uplink.Live = live
	if cameraURL != "" {
		cfg.Cameras = []CameraConfig{{ID: "cam1", Name: "Trước", URL: cameraURL, Transport: "tcp"}}
	}
	n, err := New(Params{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Net: l.Net(), Dial: l.DialContext,
		Now: clock.Now, LiveCheck: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = n.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("the node did not stop within 15 s of its context's end")
		}
	})
	return n
}

func api(t *testing.T, method, url, token string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, url, err, data)
		}
	}
	if resp.StatusCode >= 300 {
		t.Logf("%s %s: %d %s", method, url, resp.StatusCode, data)
	}
	return resp.StatusCode
}

type hubMission struct {
	protocol.Mission
	Delivered uint64 `json:"delivered"`
}

func createMission(t *testing.T, hub, token string, from, to time.Time) hubMission {
	t.Helper()
	var m hubMission
	if st := api(t, "POST", hub+"/api/v1/missions", token, map[string]any{"vehicle": "xe-01", "crew": []string{"to.truong"},
		"site": "Cửa khẩu Hữu Nghị", "from": from, "to": to, "purpose": "Giám sát xe container"}, &m); st != http.StatusCreated {
		t.Fatalf("create mission: %d", st)
	}
	return m
}

// A mission planned while the vehicle is out of reach reaches its mailbox
// when the link returns, once; the hub records it delivered, and a change
// made later arrives as a newer revision of the same mission.
func TestMissionReachesVehicleAcrossOutage(t *testing.T) {
	hub, duty := missionHub(t)
	l := link.New()
	clock := &vclock{t: time.Now()}
	n := missionNode(t, hub, l, LiveAlways, clock, "")
	testwait.For(t, 10*time.Second, "the vehicle connected", func() bool { return n.ctl.Connected() })
	l.SetUp(false)
	testwait.For(t, 15*time.Second, "the hub saw the link drop", func() bool { return !n.ctl.Connected() })
	m := createMission(t, hub, duty, time.Now().Add(time.Hour), time.Now().Add(3*time.Hour))
	time.Sleep(300 * time.Millisecond) // the link is down: nothing may arrive (checked below)
	if list, _ := n.Mailbox().Missions(); len(list) != 0 {
		t.Fatalf("arrived over a cut link: %+v", list)
	}
	l.SetUp(true)
	testwait.For(t, 20*time.Second, "the mission in the vehicle's mailbox", func() bool {
		list, _ := n.Mailbox().Missions()
		return len(list) == 1
	})
	var got hubMission
	testwait.For(t, 10*time.Second, "the hub recorded the delivery", func() bool {
		api(t, "GET", hub+"/api/v1/missions/"+m.ID, duty, nil, &got)
		return got.Delivered == m.Rev
	})
	body := map[string]any{"vehicle": "xe-01", "crew": []string{"to.truong"}, "site": "Km 5", "from": m.From, "to": m.To, "purpose": m.Purpose}
	if st := api(t, "PUT", hub+"/api/v1/missions/"+m.ID, duty, body, &got); st != http.StatusOK {
		t.Fatalf("update: %d", st)
	}
	testwait.For(t, 10*time.Second, "the change on the vehicle", func() bool {
		list, _ := n.Mailbox().Missions()
		return len(list) == 1 && list[0].Site == "Km 5" && list[0].Rev == got.Rev
	})
	var log struct {
		Entries []struct{ Kind string } `json:"entries"`
	}
	api(t, "GET", hub+"/api/v1/missions/"+m.ID+"/log", duty, nil, &log)
	count := map[string]int{}
	for _, e := range log.Entries {
		count[e.Kind]++
	}
	if count["created"] != 1 || count["sent"] != 2 || count["delivered"] < 1 || count["updated"] != 1 {
		t.Fatalf("mission log %v", count)
	}
}

// uplink.live: mission: the camera streams to the hub only while a
// mission runs: not before its window opens on the vehicle's clock, from
// then until the window ends; and again from a "start now" at the hub
// until the mission is closed with its report. The recorder records
// throughout.
func TestLiveUplinkFollowsMission(t *testing.T) {
	hub, duty := missionHub(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cams, err := simcam.Start(ctx, simcam.Config{Addr: "127.0.0.1:0", Paths: []string{"xe-01/cam1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer cams.Close()
	start := time.Now()
	clock := &vclock{t: start}
	n := missionNode(t, hub, link.New(), LiveMission, clock, cams.URL("xe-01/cam1"))
	pub := n.cams[0].pub
	phase := func() string { return pub.State().Phase }
	m := createMission(t, hub, duty, start.Add(time.Hour), start.Add(2*time.Hour))
	testwait.For(t, 15*time.Second, "the mission on the vehicle", func() bool { l, _ := n.Mailbox().Missions(); return len(l) == 1 })
	testwait.For(t, 15*time.Second, "recording before any mission", func() bool { return n.Recorder().Storage().UsedBytes > 0 })
	if n.LiveOn() || phase() != uplink.PhaseIdle || pub.State().Sessions != 0 {
		t.Fatalf("streaming before the window opened: %+v", pub.State())
	}
	clock.Set(start.Add(time.Hour))
	testwait.For(t, 20*time.Second, "live from the window's start", func() bool { return n.LiveOn() && phase() == uplink.PhaseConnected })
	clock.Set(start.Add(2 * time.Hour))
	testwait.For(t, 15*time.Second, "no live after the window's end", func() bool { return !n.LiveOn() && phase() == uplink.PhaseIdle })
	sessions := pub.State().Sessions

	clock.Set(start) // the vehicle's clock back to now: a second mission, started by hand
	m = createMission(t, hub, duty, start.Add(30*time.Minute), start.Add(3*time.Hour))
	testwait.For(t, 15*time.Second, "the second mission on the vehicle", func() bool { l, _ := n.Mailbox().Missions(); return len(l) == 2 })
	if n.LiveOn() {
		t.Fatal("live before the second mission started")
	}
	if st := api(t, "POST", hub+"/api/v1/missions/"+m.ID+"/start", duty, nil, nil); st != http.StatusOK {
		t.Fatalf("start now: %d", st)
	}
	testwait.For(t, 20*time.Second, "live after start now", func() bool { return n.LiveOn() && phase() == uplink.PhaseConnected })
	if pub.State().Sessions <= sessions {
		t.Fatalf("no new WHIP session: %+v", pub.State())
	}
	if st := api(t, "POST", hub+"/api/v1/missions/"+m.ID+"/close", duty, map[string]string{"summary": "Hoàn thành", "findings": ""}, nil); st != http.StatusOK {
		t.Fatalf("close: %d", st)
	}
	testwait.For(t, 15*time.Second, "no live after the close", func() bool { return !n.LiveOn() && phase() == uplink.PhaseIdle })
	used := n.Recorder().Storage().UsedBytes
	testwait.For(t, 15*time.Second, "recording after the mission", func() bool { return n.Recorder().Storage().UsedBytes > used })
}

// The crew closes a running mission on the vehicle's own screen while the
// link is down: the vehicle shows it closed at once, and when the link
// returns the hub files the closing report once (the mission closed, by
// the crew member, with the report's text) and sends its own closed
// revision back, which the vehicle keeps.
func TestCrewClosesMissionOnVehicleAcrossOutage(t *testing.T) {
	hub, duty := missionHub(t)
	l := link.New()
	clock := &vclock{t: time.Now()}
	n := missionNode(t, hub, l, LiveAlways, clock, "")
	testwait.For(t, 10*time.Second, "the vehicle connected", func() bool { return n.ctl.Connected() })
	m := createMission(t, hub, duty, time.Now().Add(time.Hour), time.Now().Add(3*time.Hour))
	if st := api(t, "POST", hub+"/api/v1/missions/"+m.ID+"/start", duty, map[string]any{}, nil); st != http.StatusOK {
		t.Fatalf("start: %d", st)
	}
	testwait.For(t, 10*time.Second, "the running mission on the vehicle", func() bool {
		list, _ := n.Mailbox().Missions()
		return len(list) == 1 && list[0].State == protocol.MissionActive
	})
	l.SetUp(false)
	testwait.For(t, 15*time.Second, "the link down", func() bool { return !n.ctl.Connected() })
	closed, err := n.Mailbox().CloseMission(m.ID, "Đã kiểm tra 12 xe container", "Không phát hiện vi phạm", "Tổ trưởng")
	if err != nil || closed.State != protocol.MissionClosed {
		t.Fatalf("close on the vehicle: %+v %v", closed, err)
	}
	var got hubMission
	api(t, "GET", hub+"/api/v1/missions/"+m.ID, duty, nil, &got)
	if got.State != protocol.MissionActive {
		t.Fatalf("the hub closed it over a cut link: %s", got.State)
	}
	l.SetUp(true)
	testwait.For(t, 20*time.Second, "the report filed at the hub", func() bool {
		api(t, "GET", hub+"/api/v1/missions/"+m.ID, duty, nil, &got)
		return got.State == protocol.MissionClosed
	})
	if got.Report == nil || got.Report.Summary != "Đã kiểm tra 12 xe container" || got.Report.Findings != "Không phát hiện vi phạm" || got.Report.By != "Tổ trưởng" {
		t.Fatalf("the hub's report: %+v", got.Report)
	}
	testwait.For(t, 10*time.Second, "the hub's closed revision on the vehicle", func() bool {
		list, _ := n.Mailbox().Missions()
		return len(list) == 1 && list[0].Rev == got.Rev && list[0].State == protocol.MissionClosed
	})
	var log struct {
		Entries []struct{ Kind string } `json:"entries"`
	}
	api(t, "GET", hub+"/api/v1/missions/"+m.ID+"/log", duty, nil, &log)
	closes := 0
	for _, e := range log.Entries {
		if e.Kind == "closed" {
			closes++
		}
	}
	if closes != 1 {
		t.Fatalf("the mission log has %d closings: %+v", closes, log.Entries)
	}
}
