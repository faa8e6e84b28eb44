package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fieldwatch/internal/testwait"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Outside demo mode the hub serves HTTPS with a self-signed certificate it
// makes on first start; a vehicle given that certificate connects, and a
// client that does not trust it is refused.
func TestHubServesTLSByDefault(t *testing.T) {
	fullLane(t)
	bin := buildFieldwatch(t)
	dir := t.TempDir()
	port := freePort(t)
	const token = "kiem-thu-token-0123456789"
	hubCfg := filepath.Join(dir, "hub.yaml")
	os.WriteFile(hubCfg, fmt.Appendf(nil, `data_dir: %s
http: {addr: "127.0.0.1:%d"}
webrtc: {loopback_only: true}
vehicles:
  - {id: xe-01, name: Xe 01, unit: "", token: %s, cameras: []}
`, filepath.Join(dir, "hub"), port, token), 0o644)
	startProc(t, "hub", bin, []string{"FIELDWATCH_ADMIN_PASSWORD=mat-khau-quan-tri-kiem-thu"}, "hub", "--config", hubCfg)
	crt := filepath.Join(dir, "hub", "tls", "hub.crt")
	base := fmt.Sprintf("https://127.0.0.1:%d", port)
	var client *http.Client
	testwait.For(t, 20*time.Second, "hub serving HTTPS", func() bool {
		pem, err := os.ReadFile(crt)
		if err != nil {
			return false
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		client = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		resp, err := client.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})
	if _, err := (&http.Client{Timeout: 5 * time.Second}).Get(base + "/healthz"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("a client that does not trust the hub's certificate: %v", err)
	}
	if resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/healthz", port)); err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Error("plain HTTP served")
		}
	}

	vehCfg := filepath.Join(dir, "vehicle.yaml")
	os.WriteFile(vehCfg, fmt.Appendf(nil, `id: xe-01
hub: %s
token: %s
hub_ca: %s
data_dir: %s
`, base, token, crt, filepath.Join(dir, "vehicle")), 0o644)
	startProc(t, "vehicle", bin, nil, "vehicle", "--config", vehCfg)
	body := strings.NewReader(`{"username":"admin","password":"mat-khau-quan-tri-kiem-thu"}`)
	resp, err := client.Post(base+"/api/v1/auth/login", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	var login struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	secure := false
	for _, c := range resp.Cookies() {
		secure = secure || c.Secure
	}
	if !secure {
		t.Error("the session cookie is not Secure over HTTPS")
	}
	testwait.For(t, 30*time.Second, "the vehicle online over wss://", func() bool {
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/vehicles", nil)
		req.Header.Set("Authorization", "Bearer "+login.Token)
		resp, err := client.Do(req)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var vs []struct{ Online bool }
		return json.NewDecoder(resp.Body).Decode(&vs) == nil && len(vs) == 1 && vs[0].Online
	})
}
