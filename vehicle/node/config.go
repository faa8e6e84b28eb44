package node

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"time"

	"fieldwatch/internal/yamlconf"
)

// Config is a vehicle node's configuration. Every field has a default
// (DefaultConfig and configs/vehicle.yaml, which a test keeps equal).
type Config struct {
	// ID is the vehicle's id at the hub; Name is shown on the console.
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Hub is the hub's base URL (http or https).
	Hub string `yaml:"hub"`
	// Token is the vehicle's device token, issued by the hub's administrator.
	Token string `yaml:"token"`
	// HubCA is a PEM file with the hub's certificate to trust (the hub's
	// self-signed <data_dir>/tls/hub.crt); "" = the system's roots.
	HubCA string `yaml:"hub_ca"`
	// DataDir holds the node's state (and, later, its recordings).
	DataDir string `yaml:"data_dir"`
	// LoopbackOnly keeps WebRTC on loopback (hub on the same machine).
	LoopbackOnly bool `yaml:"loopback_only"`
	// TelemetryInterval is how often telemetry goes to the hub.
	TelemetryInterval time.Duration `yaml:"telemetry_interval"`
	// Recording is the local evidence recorder; Sync uploads it to the hub.
	Recording RecordingConfig `yaml:"recording"`
	Sync      SyncConfig      `yaml:"sync"`
	// Crew is the crew app on the vehicle's LAN.
	Crew CrewConfig `yaml:"crew"`
	// Uplink is the cameras' live video to the hub.
	Uplink UplinkConfig `yaml:"uplink"`
	// Cameras are the vehicle's IP cameras.
	Cameras []CameraConfig `yaml:"cameras"`
}

// RecordingConfig is the local recorder.
type RecordingConfig struct {
	// SegmentDuration is the length of one signed segment file.
	SegmentDuration time.Duration `yaml:"segment_duration"`
	// FragmentDuration is how much video is buffered before it is written and synced to disk.
	FragmentDuration time.Duration `yaml:"fragment_duration"`
	// BudgetBytes caps the recordings on disk; 0 = 80% of the disk's free space at start.
	BudgetBytes int64 `yaml:"budget_bytes"`
	// OnFull is overwrite_oldest or stop (when unsynced recordings fill the budget).
	OnFull string `yaml:"on_full"`
}

// SyncConfig paces the sync agent.
type SyncConfig struct {
	// MaxKbps caps the upload rate; 0 = no cap.
	MaxKbps float64 `yaml:"max_kbps"`
	// LinkKbps is the uplink's capacity if known; sync then takes what live video leaves.
	// 0 = unknown: sync backs off when the link's round-trip time rises.
	LinkKbps float64 `yaml:"link_kbps"`
}

// CameraConfig is one IP camera.
type CameraConfig struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// URL is the camera's RTSP address, credentials included if it needs them.
	URL string `yaml:"url"`
	// Transport is tcp, udp or auto (try UDP, fall back to TCP).
	Transport string `yaml:"transport"`
}

// CrewConfig is the crew app served on the vehicle's LAN (works with the hub out of reach).
type CrewConfig struct {
	// Addr to serve it on; "" = off.
	Addr string `yaml:"addr"`
	// Passcode crew members log in with (with their name); required when Addr is set.
	Passcode string `yaml:"passcode"`
}

// Live uplink modes.
const (
	LiveAlways  = "always"  // the cameras stream live to the hub all the time
	LiveMission = "mission" // only while a mission of this vehicle runs
)

// UplinkConfig is the cameras' live video to the hub.
type UplinkConfig struct {
	// Live is always or mission: with mission, the cameras' WHIP uplinks
	// run only while a mission for this vehicle runs by its window (by the
	// vehicle's clock); the recorder records all the time either way.
	Live string `yaml:"live"`
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		ID:                "xe-01",
		Name:              "Xe chỉ huy 01",
		Hub:               "http://127.0.0.1:8080",
		DataDir:           "data/vehicle",
		TelemetryInterval: 2 * time.Second,
		Recording: RecordingConfig{SegmentDuration: 10 * time.Second, FragmentDuration: time.Second,
			OnFull: "overwrite_oldest"},
		Uplink:  UplinkConfig{Live: LiveAlways},
		Cameras: []CameraConfig{},
	}
}

// LoadConfig reads a YAML file over the defaults; unknown keys are errors.
func LoadConfig(path string) (Config, error) {
	cfg := DefaultConfig()
	if err := yamlconf.Load(path, &cfg); err != nil {
		return cfg, err
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// Validate checks the configuration and says what is wrong.
func (c Config) Validate() error {
	if !idRE.MatchString(c.ID) {
		return fmt.Errorf("id: %q must be lower-case letters, digits, - or _", c.ID)
	}
	if c.Crew.Addr != "" && len(c.Crew.Passcode) < 6 {
		return errors.New("crew.passcode: at least 6 characters when crew.addr is set")
	}
	u, err := url.Parse(c.Hub)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("hub: %q is not an http(s) URL", c.Hub)
	}
	if c.DataDir == "" {
		return errors.New("data_dir: must not be empty")
	}
	if c.TelemetryInterval < 500*time.Millisecond {
		return errors.New("telemetry_interval: must be at least 500ms")
	}
	r := c.Recording
	if r.SegmentDuration < time.Second || r.SegmentDuration > time.Hour {
		return errors.New("recording.segment_duration: must be between 1s and 1h")
	}
	if r.FragmentDuration < 100*time.Millisecond || r.FragmentDuration > r.SegmentDuration {
		return errors.New("recording.fragment_duration: must be between 100ms and segment_duration")
	}
	if r.BudgetBytes < 0 || r.BudgetBytes > 0 && r.BudgetBytes < 64<<20 {
		return errors.New("recording.budget_bytes: 0 (automatic) or at least 64 MiB")
	}
	if r.OnFull != "overwrite_oldest" && r.OnFull != "stop" {
		return fmt.Errorf("recording.on_full: %q must be overwrite_oldest or stop", r.OnFull)
	}
	if c.Sync.MaxKbps < 0 || c.Sync.LinkKbps < 0 {
		return errors.New("sync: max_kbps and link_kbps must not be negative")
	}
	if c.Uplink.Live != LiveAlways && c.Uplink.Live != LiveMission {
		return fmt.Errorf("uplink.live: %q must be always or mission", c.Uplink.Live)
	}
	seen := map[string]bool{}
	for _, cam := range c.Cameras {
		if !idRE.MatchString(cam.ID) || seen[cam.ID] {
			return fmt.Errorf("cameras: id %q is invalid or repeated", cam.ID)
		}
		seen[cam.ID] = true
		cu, err := url.Parse(cam.URL)
		if err != nil || (cu.Scheme != "rtsp" && cu.Scheme != "rtsps") || cu.Host == "" {
			return fmt.Errorf("cameras: %s: url %q is not an rtsp:// address", cam.ID, redact(cam.URL))
		}
		switch cam.Transport {
		case "", "tcp", "udp", "auto":
		default:
			return fmt.Errorf("cameras: %s: transport %q must be tcp, udp or auto", cam.ID, cam.Transport)
		}
	}
	return nil
}

// redact hides a URL's password in messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// YAML renders the configuration (for --print-config).
func (c Config) YAML() ([]byte, error) { return yamlconf.Marshal(c) }
