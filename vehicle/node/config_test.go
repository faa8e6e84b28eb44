package node

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestShippedConfigEqualsDefaults(t *testing.T) {
	got, err := LoadConfig("../../configs/vehicle.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if want := DefaultConfig(); !reflect.DeepEqual(got, want) {
		t.Fatalf("configs/vehicle.yaml differs from DefaultConfig():\n got %+v\nwant %+v", got, want)
	}
}

func TestBadConfigs(t *testing.T) {
	for _, c := range []struct{ yaml, err string }{
		{"idd: x\n", "field idd not found"},
		{"id: Xe 1\n", `id: "Xe 1" must be lower-case letters, digits, - or _`},
		{"hub: ftp://hub\n", `hub: "ftp://hub" is not an http(s) URL`},
		{"telemetry_interval: 10ms\n", "telemetry_interval: must be at least 500ms"},
		{"uplink: {live: sometimes}\n", `uplink.live: "sometimes" must be always or mission`},
		{"cameras: [{id: cam1, url: http://cam}]\n", `cameras: cam1: url "http://cam" is not an rtsp:// address`},
		{"cameras: [{id: cam1, url: 'rtsp://admin:secret@cam', transport: quic}]\n", `cameras: cam1: transport "quic" must be tcp, udp or auto`},
		{"cameras: [{id: cam1, url: 'http://admin:secret@cam'}]\n", `url "http://admin:xxxxx@cam"`},
		{"cameras: [{id: cam1, url: rtsp://a}, {id: cam1, url: rtsp://b}]\n", `cameras: id "cam1" is invalid or repeated`},
	} {
		path := filepath.Join(t.TempDir(), "vehicle.yaml")
		if err := os.WriteFile(path, []byte(c.yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := LoadConfig(path)
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%q: got error %v, want it to contain %q", c.yaml, err, c.err)
		}
	}
}
