package protocol

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var ts = time.Date(2026, 11, 22, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600))

func TestRoundTrip(t *testing.T) {
	tel := Telemetry{
		Time:       ts,
		GPS:        &GPSFix{Lat: 21.9686, Lon: 106.7054, SpeedKmh: 42, Heading: 315, Time: ts},
		Link:       LinkState{State: "up", RTTMs: 48.5, UplinkKbps: 3100},
		CPUPercent: 23.5, MemUsedBytes: 1 << 30, MemTotalBytes: 4 << 30,
		Disk:    DiskState{Path: "/data", TotalBytes: 1 << 40, FreeBytes: 1 << 39},
		Cameras: []CameraState{{ID: "cam1", State: "online", Publishing: true, Width: 640, Height: 360, BitrateKbps: 1500}},
	}
	data, err := Encode(KindTelemetry, "m-1", ts, tel)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"kind":"telemetry"`) || !strings.Contains(string(data), `"v":1`) {
		t.Fatalf("envelope: %s", data)
	}
	env, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeBody[Telemetry](env)
	if err != nil {
		t.Fatal(err)
	}
	if got.GPS.Lat != tel.GPS.Lat || got.Cameras[0].Width != 640 || !got.Time.Equal(ts) {
		t.Fatalf("round trip: %+v", got)
	}
	for _, k := range []Kind{KindHello, KindWelcome, KindHeartbeat, KindHeartbeatAck, KindTelemetry, KindError} {
		var back Kind
		text, err := k.MarshalText()
		if err != nil || back.UnmarshalText(text) != nil || back != k {
			t.Errorf("kind %v does not round-trip", k)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	good := func(kind, body string) string {
		return `{"v":1,"kind":"` + kind + `","id":"m1","ts":"2026-11-22T09:30:00+07:00","body":` + body + `}`
	}
	for _, c := range []struct {
		name, msg string
		want      error
		body      bool // the error comes from DecodeBody
	}{
		{"too large", strings.Repeat(" ", MaxMessageSize+1), ErrTooLarge, false},
		{"not json", "hello", ErrMalformed, false},
		{"unknown field", `{"v":1,"kind":"heartbeat","id":"m1","ts":"2026-11-22T09:30:00Z","body":{},"x":1}`, ErrMalformed, false},
		{"wrong version", `{"v":2,"kind":"heartbeat","id":"m1","ts":"2026-11-22T09:30:00Z","body":{}}`, ErrVersion, false},
		{"unknown kind", `{"v":1,"kind":"launch","id":"m1","ts":"2026-11-22T09:30:00Z","body":{}}`, ErrKind, false},
		{"no id", `{"v":1,"kind":"heartbeat","ts":"2026-11-22T09:30:00Z","body":{}}`, ErrMalformed, false},
		{"no ts", `{"v":1,"kind":"heartbeat","id":"m1","body":{}}`, ErrMalformed, false},
		{"no body", `{"v":1,"kind":"heartbeat","id":"m1","ts":"2026-11-22T09:30:00Z"}`, ErrMalformed, false},
		{"trailing", good("heartbeat", `{}`) + `{}`, ErrMalformed, false},
		{"body unknown field", good("heartbeat", `{"seq":1,"extra":2}`), ErrMalformed, true},
		{"hello bad vehicle", good("hello", `{"vehicle":"Xe 1","software":"x","protocol":1,"cameras":[]}`), ErrInvalid, true},
		{"hello old protocol", good("hello", `{"vehicle":"xe-1","software":"x","protocol":0,"cameras":[]}`), ErrInvalid, true},
		{"telemetry bad lat", good("telemetry", `{"time":"2026-11-22T09:30:00Z","gps":{"lat":91,"lon":0,"alt_m":0,"speed_kmh":0,"heading":0,"accuracy_m":0,"time":"2026-11-22T09:30:00Z"},"link":{"state":"up","rtt_ms":0,"uplink_kbps":0,"loss_pct":0},"cpu_percent":0,"mem_used_bytes":0,"mem_total_bytes":0,"disk":{"path":"","total_bytes":0,"free_bytes":0},"cameras":[]}`), ErrInvalid, true},
		{"telemetry negative cpu", good("telemetry", `{"time":"2026-11-22T09:30:00Z","gps":null,"link":{"state":"up","rtt_ms":0,"uplink_kbps":0,"loss_pct":0},"cpu_percent":-1,"mem_used_bytes":0,"mem_total_bytes":0,"disk":{"path":"","total_bytes":0,"free_bytes":0},"cameras":[]}`), ErrInvalid, true},
		{"telemetry bad link", good("telemetry", `{"time":"2026-11-22T09:30:00Z","gps":null,"link":{"state":"maybe","rtt_ms":0,"uplink_kbps":0,"loss_pct":0},"cpu_percent":0,"mem_used_bytes":0,"mem_total_bytes":0,"disk":{"path":"","total_bytes":0,"free_bytes":0},"cameras":[]}`), ErrInvalid, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			env, err := Decode([]byte(c.msg))
			if c.body {
				if err != nil {
					t.Fatalf("envelope: %v", err)
				}
				switch env.Kind {
				case KindHello:
					_, err = DecodeBody[Hello](env)
				case KindTelemetry:
					_, err = DecodeBody[Telemetry](env)
				case KindHeartbeat:
					_, err = DecodeBody[Heartbeat](env)
				}
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"v":1,"kind":"heartbeat","id":"m1","ts":"2026-11-22T09:30:00Z","body":{"seq":3}}`))
	f.Add([]byte(`{"v":1,"kind":"hello","id":"m1","ts":"2026-11-22T09:30:00Z","body":{"vehicle":"xe-01","software":"x","protocol":1,"cameras":[{"id":"cam1","name":"a"}]}}`))
	f.Add([]byte(`{"v":1,"kind":"telemetry","id":"m1","ts":"2026-11-22T09:30:00Z","body":{"time":"2026-11-22T09:30:00Z","gps":null,"link":{"state":"up"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		env, err := Decode(data)
		if err != nil {
			return
		}
		switch env.Kind {
		case KindHello:
			if h, err := DecodeBody[Hello](env); err == nil && h.Validate() != nil {
				t.Fatal("decoded an invalid hello")
			}
		case KindTelemetry:
			if tel, err := DecodeBody[Telemetry](env); err == nil {
				if _, err := Encode(KindTelemetry, "x", env.TS, tel); err != nil {
					t.Fatalf("re-encode: %v", err)
				}
			}
		case KindWelcome:
			_, _ = DecodeBody[Welcome](env)
		case KindHeartbeat:
			_, _ = DecodeBody[Heartbeat](env)
		case KindHeartbeatAck:
			_, _ = DecodeBody[HeartbeatAck](env)
		case KindError:
			_, _ = DecodeBody[Error](env)
		}
	})
}
