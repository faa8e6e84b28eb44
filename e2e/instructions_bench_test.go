package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"fieldwatch/internal/testwait"
	"fieldwatch/sim/demo"
	"fieldwatch/vehicle/mailbox"
)

// sendInstruction posts one instruction as the leader and returns its id.
func sendInstruction(b *testing.B, d *demo.Demo, token, vehicle, text string) string {
	var out struct{ ID string }
	st, err := postAt(d.URL()[:len(d.URL())-1], token, "/api/v1/instructions", map[string]any{"text": text, "vehicles": []string{vehicle}}, &out)
	if err != nil || st != http.StatusCreated {
		b.Fatalf("send: %d %v", st, err)
	}
	return out.ID
}

// waitInstructions blocks until the vehicle's mailbox (what the crew's
// screen shows) holds n instructions.
func waitInstructions(b *testing.B, m *mailbox.Mailbox, n int, limit time.Duration) {
	deadline := time.After(limit)
	for {
		changed := m.Changed()
		list, err := m.Instructions()
		if err != nil {
			b.Fatal(err)
		}
		if len(list) >= n {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			b.Fatalf("%d of %d instructions on the vehicle after %v", len(list), n, limit)
		}
	}
}

// BenchmarkInstructionDelivery measures, over a simulated cellular link
// carrying a live camera: the time from a leader's send (HTTP request) to
// the instruction on the vehicle's crew screen with the link up (p50, p99
// of 200), and the time from link restoration to delivery of a backlog of
// 1,000 instructions queued during an outage.
func BenchmarkInstructionDelivery(b *testing.B) {
	for b.Loop() {
		d := startBenchDemo(b, b.TempDir(), nil)
		id := d.VehicleIDs()[0]
		m := d.Node(id).Mailbox()
		token := benchLogin(b, d, "lanhdao")
		testwait.For(b, 20*time.Second, "the vehicle online", func() bool { return d.Hub().ControlOnline(id) })
		var lat []time.Duration
		for i := range 200 {
			t0 := time.Now()
			sendInstruction(b, d, token, id, fmt.Sprintf("Chỉ thị %d", i))
			waitInstructions(b, m, i+1, 10*time.Second)
			lat = append(lat, time.Since(t0))
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")

		if err := d.SetLink(id, false); err != nil {
			b.Fatal(err)
		}
		testwait.For(b, 20*time.Second, "the vehicle offline", func() bool { return !d.Hub().ControlOnline(id) })
		for i := range 1000 {
			sendInstruction(b, d, token, id, fmt.Sprintf("Chỉ thị khi mất kết nối %d", i))
		}
		t0 := time.Now()
		if err := d.SetLink(id, true); err != nil {
			b.Fatal(err)
		}
		waitInstructions(b, m, 1200, 2*time.Minute)
		b.ReportMetric(time.Since(t0).Seconds(), "backlog1000-s")
	}
}

func benchLogin(b *testing.B, d *demo.Demo, username string) string {
	var out struct{ Token string }
	st, err := postAt(d.URL()[:len(d.URL())-1], "", "/api/v1/auth/login", map[string]string{"username": username, "password": demoPassword}, &out)
	if err != nil || st != 200 {
		b.Fatalf("login: %d %v", st, err)
	}
	return out.Token
}
