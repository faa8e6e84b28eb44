package e2e

import (
	"bytes"
	"encoding/json"
	"fieldwatch/internal/testwait"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// postAt sends JSON with a bearer token and decodes the answer into out.
func postAt(base, token, path string, body, out any) (int, error) {
	data, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode, nil
}

type crewInstruction struct {
	ID           string    `json:"id"`
	Text         string    `json:"text"`
	Order        uint64    `json:"order"`
	Acknowledged time.Time `json:"acknowledged"`
}

// A leader sends 100 instructions while the vehicle's link flaps and the
// vehicle and the hub are each killed with SIGKILL once; the crew, on the
// vehicle's LAN, acknowledges each as it appears. Every instruction reaches
// the vehicle once and in order, and every acknowledgement reaches the hub.
func TestInstructionsSurviveFlapsAndKills(t *testing.T) {
	fullLane(t)
	bin := buildFieldwatch(t)
	dir := t.TempDir()
	hubPort, crewPort := freePort(t), freePort(t)
	const token = "kiem-thu-token-0123456789"
	const adminPW = "mat-khau-quan-tri-kiem-thu"
	const passcode = "ma-to-cong-tac"
	base := fmt.Sprintf("http://127.0.0.1:%d", hubPort)
	crew := fmt.Sprintf("http://127.0.0.1:%d", crewPort)
	proxy := newFlapProxy(t, fmt.Sprintf("127.0.0.1:%d", hubPort))
	hubCfg := filepath.Join(dir, "hub.yaml")
	os.WriteFile(hubCfg, fmt.Appendf(nil, `name: hub-test
data_dir: %s
http: {addr: "127.0.0.1:%d", tls: "off"}
webrtc: {loopback_only: true}
units:
  tree:
    - {id: cuc-ls, name: Cục Hải quan Lạng Sơn}
    - {id: cc-hn, name: Chi cục Hữu Nghị, parent: cuc-ls}
vehicles:
  - {id: xe-01, name: Xe 01, unit: cc-hn, token: %s, cameras: []}
`, filepath.Join(dir, "hub"), hubPort, token), 0o644)
	vehCfg := filepath.Join(dir, "vehicle.yaml")
	os.WriteFile(vehCfg, fmt.Appendf(nil, `id: xe-01
hub: http://%s
token: %s
data_dir: %s
crew: {addr: "127.0.0.1:%d", passcode: %s}
`, proxy.Addr(), token, filepath.Join(dir, "vehicle"), crewPort, passcode), 0o644)
	hubEnv := []string{"FIELDWATCH_ADMIN_PASSWORD=" + adminPW}
	startHub := func() *proc {
		p := startProc(t, "hub", bin, hubEnv, "hub", "--config", hubCfg)
		testwait.For(t, 20*time.Second, "hub serving", func() bool {
			resp, err := http.Get(base + "/healthz")
			if err == nil {
				resp.Body.Close()
			}
			return err == nil && resp.StatusCode == 200
		})
		return p
	}
	hub := startHub()
	veh := startProc(t, "vehicle", bin, nil, "vehicle", "--config", vehCfg)

	// The administrator creates the leader; the leader changes the initial password.
	admin := loginAt(t, base, "admin", adminPW)
	if st, err := postAt(base, admin, "/api/v1/users", map[string]any{"username": "lanhdao.hn", "name": "Lãnh đạo Chi cục",
		"unit": "cc-hn", "roles": []string{"leader"}, "password": "mat khau ban dau 2026"}, nil); err != nil || st != 201 {
		t.Fatalf("create leader: %d %v", st, err)
	}
	leader := loginAt(t, base, "lanhdao.hn", "mat khau ban dau 2026")
	const leaderPW = "mat khau lanh dao 2026"
	if st, err := postAt(base, leader, "/api/v1/me/password", map[string]string{"old": "mat khau ban dau 2026", "new": leaderPW}, nil); err != nil || st != 200 {
		t.Fatalf("change password: %d %v", st, err)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	// The crew: log in on the vehicle's LAN, acknowledge every new instruction.
	wg.Add(1)
	go func() {
		defer wg.Done()
		tok := ""
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			if tok == "" {
				var out struct{ Token string }
				if st, err := postAt(crew, "", "/api/v1/crew/login", map[string]string{"name": "Nguyễn Văn Tổ", "passcode": passcode}, &out); err != nil || st != 200 {
					continue
				}
				tok = out.Token
			}
			var list []crewInstruction
			if err := getAt(crew, tok, "/api/v1/crew/instructions", &list); err != nil {
				tok = "" // the vehicle restarted (sessions are in memory) or is down
				continue
			}
			sort.Slice(list, func(i, j int) bool { return list[i].Order < list[j].Order })
			for _, in := range list {
				if in.Acknowledged.IsZero() {
					postAt(crew, tok, "/api/v1/crew/instructions/"+in.ID+"/receipt", map[string]string{"state": "acknowledged"}, nil)
				}
			}
		}
	}()
	// The link: up 0.3–1.5 s, down 0.2–3 s, over and over; held down while hold is.
	var cuts atomic.Int32
	var hold atomic.Bool
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				proxy.set(true)
				return
			case <-time.After(time.Duration(300+rand.IntN(1200)) * time.Millisecond):
			}
			proxy.set(false)
			cuts.Add(1)
			select {
			case <-stop:
				proxy.set(true)
				return
			case <-time.After(time.Duration(200+rand.IntN(2800)) * time.Millisecond):
			}
			for hold.Load() {
				time.Sleep(50 * time.Millisecond)
			}
			proxy.set(true)
		}
	}()

	// The leader sends 100 instructions, retrying (with the same client id) through the hub's restart.
	lastID, photoID := "", ""
	for i := range 100 {
		switch i {
		case 30:
			veh.kill()
			time.Sleep(500 * time.Millisecond)
			veh = startProc(t, "vehicle", bin, nil, "vehicle", "--config", vehCfg)
		case 60:
			hub.kill()
			time.Sleep(500 * time.Millisecond)
			hub = startHub()
		case 80:
			// A longer outage: what is sent meanwhile waits at the hub as "sent".
			hold.Store(true)
			proxy.set(false)
		case 85:
			// The crew writes a report on the vehicle's LAN while the hub is out of reach; the phone sends it twice.
			var out struct{ Token string }
			if st, err := postAt(crew, "", "/api/v1/crew/login", map[string]string{"name": "Nguyễn Văn Tổ", "passcode": passcode}, &out); err != nil || st != 200 {
				t.Fatalf("crew login: %d %v", st, err)
			}
			photoID = uploadCrewPhoto(t, crew, out.Token)
			for range 2 {
				if st, err := postAt(crew, out.Token, "/api/v1/crew/reports", map[string]any{"client_id": "bao-cao-1",
					"title": "Xe tải nghi vấn", "text": "Container không niêm phong tại km 12", "action": "Dừng xe kiểm tra",
					"lat": 21.85, "lon": 106.76, "photos": []string{photoID}}, nil); err != nil || st != 202 {
					t.Fatalf("crew report: %d %v", st, err)
				}
			}
		case 90:
			var in struct {
				To []struct{ State string } `json:"to"`
			}
			if err := getAt(base, leader, "/api/v1/instructions/"+lastID, &in); err != nil || len(in.To) != 1 || in.To[0].State != "sent" {
				t.Errorf("an instruction sent during an outage: %v %+v, want state sent", err, in)
			}
			hold.Store(false)
		}
		body := map[string]any{"text": fmt.Sprintf("Chỉ thị số %03d: kiểm tra phương tiện", i), "vehicles": []string{"xe-01"},
			"client_id": fmt.Sprintf("kiem-thu-%03d", i), "urgent": i%10 == 0}
		deadline := time.Now().Add(30 * time.Second)
		for {
			var sent struct{ ID string }
			st, err := postAt(base, leader, "/api/v1/instructions", body, &sent)
			if err == nil && st == 201 {
				lastID = sent.ID
				break
			}
			if st == 401 {
				leader = loginAt(t, base, "lanhdao.hn", leaderPW)
			}
			if time.Now().After(deadline) {
				t.Fatalf("instruction %d not accepted: %d %v", i, st, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
		time.Sleep(time.Duration(150+rand.IntN(300)) * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	proxy.set(true)
	t.Logf("%d cuts while sending, and one of about 4 s", cuts.Load())

	// Every instruction acknowledged at the hub, once.
	type hubInstruction struct {
		ID   string `json:"id"`
		Text string `json:"text"`
		To   []struct {
			State   string `json:"state"`
			AckedBy string `json:"acked_by"`
		} `json:"to"`
	}
	crewTok := ""
	took := testwait.For(t, 2*time.Minute, "every instruction acknowledged at the hub", func() bool {
		// The crew keeps working after the link settles.
		if crewTok == "" {
			var out struct{ Token string }
			if st, _ := postAt(crew, "", "/api/v1/crew/login", map[string]string{"name": "Nguyễn Văn Tổ", "passcode": passcode}, &out); st == 200 {
				crewTok = out.Token
			}
		}
		var list []crewInstruction
		if getAt(crew, crewTok, "/api/v1/crew/instructions", &list) == nil {
			for _, in := range list {
				if in.Acknowledged.IsZero() {
					postAt(crew, crewTok, "/api/v1/crew/instructions/"+in.ID+"/receipt", map[string]string{"state": "acknowledged"}, nil)
				}
			}
		}
		var all []hubInstruction
		if err := getAt(base, leader, "/api/v1/instructions", &all); err != nil {
			leader = loginAt(t, base, "lanhdao.hn", leaderPW)
			return false
		}
		acked := 0
		for _, in := range all {
			if len(in.To) == 1 && in.To[0].State == "acknowledged" {
				acked++
			}
		}
		return acked == 100 && len(all) == 100
	})
	t.Logf("all acknowledged %v after the link settled", took.Round(time.Millisecond))
	var all []hubInstruction
	if err := getAt(base, leader, "/api/v1/instructions", &all); err != nil || len(all) != 100 {
		t.Fatalf("hub holds %d instructions (want 100): %v", len(all), err)
	}
	for _, in := range all {
		if in.To[0].AckedBy != "Nguyễn Văn Tổ" {
			t.Errorf("%s acknowledged by %q", in.ID, in.To[0].AckedBy)
		}
	}
	// The report written during the outage reached the leader, once, and its photo followed.
	testwait.For(t, 30*time.Second, "the crew's report and its photo at the hub", func() bool {
		var reps []struct {
			Title, Via, State string
			Photos            []string
		}
		if getAt(base, leader, "/api/v1/reports", &reps) != nil || len(reps) != 1 || reps[0].Via != "vehicle" ||
			reps[0].State != "pending" || len(reps[0].Photos) != 1 || reps[0].Photos[0] != photoID {
			return false
		}
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/photos/"+photoID, nil)
		req.Header.Set("Authorization", "Bearer "+leader)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	// On the vehicle: each once, in the order sent.
	var list []crewInstruction
	if err := getAt(crew, crewTok, "/api/v1/crew/instructions", &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 100 {
		t.Fatalf("the vehicle shows %d instructions, want 100", len(list))
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Order < list[j].Order })
	for i, in := range list {
		if want := fmt.Sprintf("Chỉ thị số %03d: kiểm tra phương tiện", i); in.Order != uint64(i+1) || in.Text != want {
			t.Fatalf("vehicle's instruction %d is #%d %q, want #%d %q", i, in.Order, in.Text, i+1, want)
		}
	}
}

// uploadCrewPhoto uploads a small JPEG to the vehicle's crew API and returns its id.
func uploadCrewPhoto(t *testing.T, crew, token string) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, crew+"/api/v1/crew/photos", &buf)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "image/jpeg")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ ID string }
	if resp.StatusCode != 201 || json.NewDecoder(resp.Body).Decode(&out) != nil || len(out.ID) != 64 {
		t.Fatalf("crew photo: %s", resp.Status)
	}
	return out.ID
}
