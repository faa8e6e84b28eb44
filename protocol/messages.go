package protocol

import "time"

// CameraInfo names a camera in a Hello.
type CameraInfo struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Hello is the vehicle's first message on a new connection. Its Vehicle
// must be the vehicle the connection's token belongs to.
type Hello struct {
	Vehicle  string       `json:"vehicle"`
	Software string       `json:"software"`
	Protocol int          `json:"protocol"` // must be Version
	Cameras  []CameraInfo `json:"cameras"`
}

// Welcome is the hub's answer to a valid Hello.
type Welcome struct {
	Hub        string    `json:"hub"`
	ServerTime time.Time `json:"server_time"`
	// HeartbeatIntervalMs asks the vehicle for a heartbeat this often.
	HeartbeatIntervalMs int `json:"heartbeat_interval_ms"`
}

// HeartbeatInterval returns HeartbeatIntervalMs as a duration.
func (w Welcome) HeartbeatInterval() time.Duration {
	return time.Duration(w.HeartbeatIntervalMs) * time.Millisecond
}

// Heartbeat keeps the channel alive; the hub answers with a HeartbeatAck.
type Heartbeat struct {
	Seq uint64 `json:"seq"`
}

// HeartbeatAck echoes a heartbeat's sequence, so the vehicle can measure
// the round trip.
type HeartbeatAck struct {
	Seq uint64 `json:"seq"`
}

// GPSFix is a position.
type GPSFix struct {
	Lat       float64   `json:"lat"` // degrees, WGS 84
	Lon       float64   `json:"lon"`
	AltM      float64   `json:"alt_m"`
	SpeedKmh  float64   `json:"speed_kmh"`
	Heading   float64   `json:"heading"` // degrees clockwise from true north, [0, 360)
	AccuracyM float64   `json:"accuracy_m"`
	Time      time.Time `json:"time"`
}

// Link states.
const (
	LinkUp   = "up"
	LinkDown = "down"
)

// LinkState is the vehicle's view of its uplink.
type LinkState struct {
	State      string  `json:"state"` // LinkUp or LinkDown
	RTTMs      float64 `json:"rtt_ms"`
	UplinkKbps float64 `json:"uplink_kbps"`
	LossPct    float64 `json:"loss_pct"`
}

// DiskState is the recording disk.
type DiskState struct {
	Path       string `json:"path"`
	TotalBytes uint64 `json:"total_bytes"`
	FreeBytes  uint64 `json:"free_bytes"`
}

// Camera states.
const (
	CameraOnline  = "online"
	CameraOffline = "offline"
	CameraError   = "error"
)

// CameraState is one camera as the vehicle sees it.
type CameraState struct {
	ID          string  `json:"id"`
	State       string  `json:"state"` // CameraOnline, CameraOffline or CameraError
	Publishing  bool    `json:"publishing"`
	Error       string  `json:"error"`
	Width       int     `json:"width"`
	Height      int     `json:"height"`
	BitrateKbps float64 `json:"bitrate_kbps"`
}

// Telemetry is the vehicle's periodic report.
type Telemetry struct {
	Time          time.Time     `json:"time"`
	GPS           *GPSFix       `json:"gps"` // null without a fix
	Link          LinkState     `json:"link"`
	CPUPercent    float64       `json:"cpu_percent"` // of the whole machine, 0..100
	MemUsedBytes  uint64        `json:"mem_used_bytes"`
	MemTotalBytes uint64        `json:"mem_total_bytes"`
	Disk          DiskState     `json:"disk"`
	Cameras       []CameraState `json:"cameras"`
	// Sync and Storage come from the recorder and its sync agent (optional: older nodes lack them).
	Sync    *SyncState    `json:"sync,omitempty"`
	Storage *StorageState `json:"storage,omitempty"`
}

// SyncState is the sync agent's progress: what the hub does not have yet.
type SyncState struct {
	BacklogSegments int        `json:"backlog_segments"`
	BacklogBytes    int64      `json:"backlog_bytes"`
	OldestUnsynced  *time.Time `json:"oldest_unsynced"` // null when nothing is owed
	Lost            int        `json:"lost"`            // segments overwritten before sync, manifests still owed
	RateKbps        float64    `json:"rate_kbps"`       // upload rate over the last interval
	LimitKbps       float64    `json:"limit_kbps"`      // the rate the agent allows itself now; 0 = unlimited
	Uploading       bool       `json:"uploading"`
	LastError       string     `json:"last_error"`
}

// Storage alarms.
const (
	StorageOK   = ""
	StorageLow  = "low"
	StorageFull = "full"
)

// StorageState is the recorder's disk budget and alarm.
type StorageState struct {
	BudgetBytes   int64  `json:"budget_bytes"`
	UsedBytes     int64  `json:"used_bytes"`
	UnsyncedBytes int64  `json:"unsynced_bytes"`
	Alarm         string `json:"alarm"`
	Message       string `json:"message"`
	Recording     bool   `json:"recording"`
}

// Error tells the peer why something was refused.
type Error struct {
	Code    string `json:"code"` // machine-readable, spelled like an id: "bad_hello"
	Message string `json:"message"`
}

// Kind implements Body.
func (Hello) Kind() Kind { return KindHello }

// Kind implements Body.
func (Welcome) Kind() Kind { return KindWelcome }

// Kind implements Body.
func (Heartbeat) Kind() Kind { return KindHeartbeat }

// Kind implements Body.
func (HeartbeatAck) Kind() Kind { return KindHeartbeatAck }

// Kind implements Body.
func (Telemetry) Kind() Kind { return KindTelemetry }

// Kind implements Body.
func (Error) Kind() Kind { return KindError }
