package server

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestShippedConfigEqualsDefaults(t *testing.T) {
	got, err := LoadConfig("../../configs/hub.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if want := DefaultConfig(); !reflect.DeepEqual(got, want) {
		t.Fatalf("configs/hub.yaml differs from DefaultConfig():\n got %+v\nwant %+v", got, want)
	}
}

func TestBadConfigs(t *testing.T) {
	for _, c := range []struct{ yaml, err string }{
		{"nmae: x\n", "field nmae not found"},
		{"name: \"\"\n", "name: must not be empty"},
		{"http: {addr: nowhere}\n", `http.addr: "nowhere" is not host:port`},
		{"http: {tls_cert: a.pem}\n", "http: tls_cert and tls_key go together"},
		{"webrtc: {udp_port: 70000}\n", "webrtc.udp_port: 70000 out of range"},
		{"webrtc: {nat_1to1_ips: [example.com]}\n", `webrtc.nat_1to1_ips: "example.com" is not an IP address`},
		{"relay: {viewer_queue: 2}\n", "relay.viewer_queue: 2 is below 16"},
		{"control: {offline_after: 500ms}\n", "control: offline_after must be longer than heartbeat_interval"},
		{"session_ttl: 1s\n", "session_ttl: must be at least 1m"},
		{"vehicles: [{id: Xe1, name: x, token: 0123456789abcdef}]\n", `vehicles: fleet: invalid vehicle: id "Xe1"`},
		{"vehicles: [{id: xe-1, name: x, token: short}]\n", "vehicles: xe-1: token must be at least 16 characters"},
		{"vehicles: [{id: xe-1, name: x, token: 0123456789abcdef}, {id: xe-1, name: y, token: 0123456789abcdef}]\n", "vehicles: xe-1 listed twice"},
	} {
		path := filepath.Join(t.TempDir(), "hub.yaml")
		if err := os.WriteFile(path, []byte(c.yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := LoadConfig(path)
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%q: got error %v, want it to contain %q", c.yaml, err, c.err)
		}
	}
}
