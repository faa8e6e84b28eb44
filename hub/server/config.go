package server

import (
	"errors"
	"fmt"
	"net"
	"time"

	"fieldwatch/hub/fleet"
	"fieldwatch/internal/yamlconf"
)

// Config is the hub's configuration. Every field has a default (see
// DefaultConfig and configs/hub.yaml, which a test keeps equal).
type Config struct {
	// Name identifies this hub in logs, the console and to vehicles.
	Name string `yaml:"name"`
	// DataDir holds the database (and, later, the archive).
	DataDir string     `yaml:"data_dir"`
	HTTP    HTTPConfig `yaml:"http"`
	WebRTC  WebRTC     `yaml:"webrtc"`
	Relay   Relay      `yaml:"relay"`
	Control Control    `yaml:"control"`
	// SessionTTL is how long a console login lasts.
	SessionTTL time.Duration `yaml:"session_ttl"`
	Archive    ArchiveConfig `yaml:"archive"`
	Units      UnitsConfig   `yaml:"units"`
	Messaging  Messaging     `yaml:"messaging"`
	Incidents  Incidents     `yaml:"incidents"`
	// Vehicles registered at start (more can be added through the API later).
	Vehicles []VehicleConfig `yaml:"vehicles"`
}

// HTTPConfig is the web listener.
type HTTPConfig struct {
	Addr string `yaml:"addr"`
	// TLS is "auto" (HTTPS: the configured certificate, or a self-signed
	// one made on first start in <data_dir>/tls) or "off" (plain HTTP, for
	// the demo or behind a TLS-terminating proxy).
	TLS string `yaml:"tls"`
	// TLSCert and TLSKey are a certificate and key (PEM) to use instead of the self-signed one.
	TLSCert string `yaml:"tls_cert"`
	TLSKey  string `yaml:"tls_key"`
	// TLSHosts are extra names and addresses the self-signed certificate
	// covers (the hub's DNS name, its public address); localhost always.
	TLSHosts []string `yaml:"tls_hosts"`
	// MetricsToken is the bearer token a Prometheus scraper sends for
	// /metrics (which names every vehicle and camera). Empty: /metrics
	// answers only requests from the hub's own machine (loopback).
	MetricsToken string `yaml:"metrics_token"`
	// ReadTimeout bounds how long an API request, body included, may take
	// to arrive (uploads have longer limits of their own); a client that
	// trickles its body is cut off.
	ReadTimeout time.Duration `yaml:"read_timeout"`
	// MaxConns bounds the connections open at once (0: the process's file
	// descriptor limit less 1,024 kept for recordings, the archive and the
	// database); MaxConnsPerHost those from one address (0: no limit).
	MaxConns        int `yaml:"max_conns"`
	MaxConnsPerHost int `yaml:"max_conns_per_host"`
}

// WebRTC is the media transport.
type WebRTC struct {
	// UDPPort multiplexes all media on one port (easy to open in a firewall); 0 = one ephemeral port per session.
	UDPPort int `yaml:"udp_port"`
	// PortMin and PortMax bound the ephemeral ports when UDPPort is 0.
	PortMin uint16 `yaml:"port_min"`
	PortMax uint16 `yaml:"port_max"`
	// NAT1To1IPs are public addresses to announce (hub behind 1:1 NAT).
	NAT1To1IPs []string `yaml:"nat_1to1_ips"`
	// LoopbackOnly offers only loopback candidates (everything on one machine).
	LoopbackOnly bool `yaml:"loopback_only"`
}

// Relay tunes the SFU.
type Relay struct {
	ViewerQueue    int           `yaml:"viewer_queue"`
	MaxViewers     int           `yaml:"max_viewers"`
	GOPCacheBytes  int           `yaml:"gop_cache_bytes"`
	PLIInterval    time.Duration `yaml:"pli_interval"`
	PublisherGrace time.Duration `yaml:"publisher_grace"`
	// PublisherDisconnected and PublisherFailed are the ICE timeouts of
	// vehicles' sessions: a cut is noticed after the first; a link back
	// before the second resumes without any signalling.
	PublisherDisconnected time.Duration `yaml:"publisher_disconnected"`
	PublisherFailed       time.Duration `yaml:"publisher_failed"`
}

// Control tunes the vehicle control channel.
type Control struct {
	HeartbeatInterval time.Duration `yaml:"heartbeat_interval"`
	OfflineAfter      time.Duration `yaml:"offline_after"`
}

// ArchiveConfig is the evidence archive.
type ArchiveConfig struct {
	// Dir holds the segment files; "" = <data_dir>/archive.
	Dir string `yaml:"dir"`
	// Retention is how long segments are kept (Decision 247: at least 12 months).
	Retention time.Duration `yaml:"retention"`
	// SweepInterval is how often expired segments are deleted.
	SweepInterval time.Duration `yaml:"sweep_interval"`
}

// Messaging sets the acknowledgement deadlines of instructions.
type Messaging struct {
	// Due: crews acknowledge an instruction within this, or it shows overdue.
	Due time.Duration `yaml:"due"`
	// UrgentDue: an urgent instruction unacknowledged this long escalates
	// to the duty officers covering the vehicle and the crews of its unit.
	UrgentDue time.Duration `yaml:"urgent_due"`
}

// Incidents are camera and transmission faults (Decision 247).
type Incidents struct {
	// AutoAfter: a camera or a vehicle link down this long opens an incident by itself.
	AutoAfter time.Duration `yaml:"auto_after"`
}

// UnitsConfig is the organisation tree.
type UnitsConfig struct {
	// Levels name the tree's depths, root first; deeper units repeat the last name.
	Levels []string `yaml:"levels"`
	// Tree lists units created (or updated) at start, parents first.
	Tree []UnitConfig `yaml:"tree"`
}

// UnitConfig is one unit; Parent is empty for a root.
type UnitConfig struct {
	ID     string `yaml:"id"`
	Name   string `yaml:"name"`
	Parent string `yaml:"parent"`
}

// VehicleConfig registers a vehicle with its device token.
type VehicleConfig struct {
	ID      string         `yaml:"id"`
	Name    string         `yaml:"name"`
	Unit    string         `yaml:"unit"`
	Token   string         `yaml:"token"`
	Cameras []CameraConfig `yaml:"cameras"`
}

// CameraConfig names a camera of a vehicle.
type CameraConfig struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		Name:    "hub",
		DataDir: "data/hub",
		HTTP:    HTTPConfig{Addr: ":8080", TLS: "auto", TLSHosts: []string{}, ReadTimeout: 30 * time.Second, MaxConnsPerHost: 256},
		Relay: Relay{
			ViewerQueue:    512,
			MaxViewers:     64,
			GOPCacheBytes:  4 << 20,
			PLIInterval:    500 * time.Millisecond,
			PublisherGrace: 60 * time.Second,

			PublisherDisconnected: 2 * time.Second,
			PublisherFailed:       30 * time.Second,
		},
		Control:    Control{HeartbeatInterval: time.Second, OfflineAfter: 3 * time.Second},
		SessionTTL: 12 * time.Hour,
		Archive:    ArchiveConfig{Retention: 366 * 24 * time.Hour, SweepInterval: time.Hour},
		Messaging:  Messaging{Due: 30 * time.Minute, UrgentDue: 5 * time.Minute},
		Incidents:  Incidents{AutoAfter: 10 * time.Minute},
		Units:      UnitsConfig{Levels: []string{"Tổng cục", "Cục", "Chi cục", "Đội"}, Tree: []UnitConfig{}},
		Vehicles:   []VehicleConfig{},
		WebRTC:     WebRTC{NAT1To1IPs: []string{}},
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

// Validate checks the configuration and says what is wrong.
func (c Config) Validate() error {
	if c.Name == "" {
		return errors.New("name: must not be empty")
	}
	if c.DataDir == "" {
		return errors.New("data_dir: must not be empty")
	}
	if _, _, err := net.SplitHostPort(c.HTTP.Addr); err != nil {
		return fmt.Errorf("http.addr: %q is not host:port", c.HTTP.Addr)
	}
	if c.HTTP.TLS != "auto" && c.HTTP.TLS != "off" {
		return fmt.Errorf("http.tls: %q must be auto or off", c.HTTP.TLS)
	}
	if (c.HTTP.TLSCert == "") != (c.HTTP.TLSKey == "") {
		return errors.New("http: tls_cert and tls_key go together")
	}
	if c.WebRTC.UDPPort < 0 || c.WebRTC.UDPPort > 65535 {
		return fmt.Errorf("webrtc.udp_port: %d out of range", c.WebRTC.UDPPort)
	}
	if c.WebRTC.PortMin > c.WebRTC.PortMax {
		return errors.New("webrtc: port_min is above port_max")
	}
	for _, ip := range c.WebRTC.NAT1To1IPs {
		if net.ParseIP(ip) == nil {
			return fmt.Errorf("webrtc.nat_1to1_ips: %q is not an IP address", ip)
		}
	}
	if c.Relay.ViewerQueue < 16 {
		return fmt.Errorf("relay.viewer_queue: %d is below 16", c.Relay.ViewerQueue)
	}
	if c.Relay.PublisherDisconnected <= 0 || c.Relay.PublisherFailed <= c.Relay.PublisherDisconnected {
		return errors.New("relay: publisher_failed must be longer than publisher_disconnected")
	}
	if c.Relay.MaxViewers < 1 {
		return errors.New("relay.max_viewers: must be at least 1")
	}
	if c.Control.HeartbeatInterval <= 0 || c.Control.OfflineAfter <= c.Control.HeartbeatInterval {
		return errors.New("control: offline_after must be longer than heartbeat_interval")
	}
	if c.SessionTTL < time.Minute {
		return errors.New("session_ttl: must be at least 1m")
	}
	if c.Archive.Retention < 24*time.Hour {
		return errors.New("archive.retention: must be at least 24h (evidence is kept 12 months by default)")
	}
	if c.Archive.SweepInterval < time.Minute {
		return errors.New("archive.sweep_interval: must be at least 1m")
	}
	seen := map[string]bool{}
	for _, v := range c.Vehicles {
		if err := v.fleet().Validate(); err != nil {
			return fmt.Errorf("vehicles: %w", err)
		}
		if seen[v.ID] {
			return fmt.Errorf("vehicles: %s listed twice", v.ID)
		}
		seen[v.ID] = true
		if len(v.Token) < 16 {
			return fmt.Errorf("vehicles: %s: token must be at least 16 characters", v.ID)
		}
	}
	return nil
}

func (v VehicleConfig) fleet() fleet.Vehicle {
	out := fleet.Vehicle{ID: v.ID, Name: v.Name, Unit: v.Unit}
	for _, c := range v.Cameras {
		out.Cameras = append(out.Cameras, fleet.Camera{ID: c.ID, Name: c.Name})
	}
	return out
}

// YAML renders the configuration (for --print-config).
func (c Config) YAML() ([]byte, error) { return yamlconf.Marshal(c) }
