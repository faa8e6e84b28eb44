package protocol

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

var ict = time.FixedZone("ICT", 7*3600)

var ts = time.Date(2026, 11, 22, 9, 30, 0, 0, ict)

func sampleTelemetry() Telemetry {
	return Telemetry{
		Time:       ts,
		GPS:        &GPSFix{Lat: 21.9686, Lon: 106.7054, AltM: 260, SpeedKmh: 42, Heading: 315, AccuracyM: 5, Time: ts},
		Link:       LinkState{State: LinkUp, RTTMs: 48.5, UplinkKbps: 3100, LossPct: 0.5},
		CPUPercent: 23.5, MemUsedBytes: 1 << 30, MemTotalBytes: 4 << 30,
		Disk:    DiskState{Path: "/data", TotalBytes: 1 << 40, FreeBytes: 1 << 39},
		Cameras: []CameraState{{ID: "cam1", State: CameraOnline, Publishing: true, Width: 640, Height: 360, BitrateKbps: 1500}},
	}
}

// roundTrip encodes body, decodes it back, and checks nothing changed.
func roundTrip[T any, PT interface {
	*T
	Body
}](t *testing.T, body T) {
	t.Helper()
	kind := PT(&body).Kind()
	data, err := Encode(kind, "xe-01-7", ts, body)
	if err != nil {
		t.Fatalf("encode %s: %v", kind, err)
	}
	env, err := Decode(data)
	if err != nil {
		t.Fatalf("decode %s: %v\n%s", kind, err, data)
	}
	if env.V != Version || env.Kind != kind || env.ID != "xe-01-7" || !env.TS.Equal(ts) {
		t.Fatalf("envelope %+v", env)
	}
	got, err := DecodeBody[T, PT](env)
	if err != nil {
		t.Fatalf("decode %s body: %v\n%s", kind, err, data)
	}
	// Times come back with a fixed zone of the same offset; compare encodings.
	want, _ := json.Marshal(body)
	back, _ := json.Marshal(got)
	if string(want) != string(back) {
		t.Fatalf("%s changed:\n%s\n%s", kind, want, back)
	}
}

func TestRoundTrip(t *testing.T) {
	roundTrip(t, Hello{Vehicle: "xe-01", Software: "fieldwatch 1.0", Protocol: Version,
		Cameras: []CameraInfo{{ID: "cam1", Name: "Trước"}, {ID: "cam2", Name: "Sau"}}})
	roundTrip(t, Welcome{Hub: "hub-lang-son", ServerTime: ts, HeartbeatIntervalMs: 1000})
	roundTrip(t, Heartbeat{Seq: 1<<64 - 1})
	roundTrip(t, HeartbeatAck{Seq: 17})
	roundTrip(t, sampleTelemetry())
	roundTrip(t, Telemetry{Time: ts, Link: LinkState{State: LinkDown}}) // no fix, no cameras
	roundTrip(t, Error{Code: "bad_hello", Message: "hello names another vehicle"})
}

func TestWireFormat(t *testing.T) {
	data, err := Encode(KindHeartbeat, "xe-01-17", ts, Heartbeat{Seq: 17})
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"v":1,"kind":"heartbeat","id":"xe-01-17","ts":"2026-11-22T09:30:00+07:00","body":{"seq":17}}`
	if string(data) != want {
		t.Fatalf("got  %s\nwant %s", data, want)
	}
	tel, _ := Encode(KindTelemetry, "xe-01-18", ts, sampleTelemetry())
	for _, field := range []string{`"cpu_percent":23.5`, `"mem_used_bytes":1073741824`, `"speed_kmh":42`,
		`"accuracy_m":5`, `"rtt_ms":48.5`, `"uplink_kbps":3100`, `"free_bytes":549755813888`, `"bitrate_kbps":1500`} {
		if !strings.Contains(string(tel), field) {
			t.Errorf("telemetry lacks %s: %s", field, tel)
		}
	}
}

func TestKindNames(t *testing.T) {
	for k := KindHello; k < kindEnd; k++ {
		text, err := k.MarshalText()
		if err != nil {
			t.Fatalf("%v: %v", k, err)
		}
		var back Kind
		if err := back.UnmarshalText(text); err != nil || back != k || k.String() != string(text) {
			t.Fatalf("kind %d (%s) does not round-trip: %v %v", k, text, back, err)
		}
	}
	if _, err := KindUnknown.MarshalText(); !errors.Is(err, ErrKind) {
		t.Fatalf("KindUnknown encoded: %v", err)
	}
	if got := Kind(200).String(); got != "kind(200)" {
		t.Fatalf("out of range kind prints %q", got)
	}
}

func TestEncodeRejects(t *testing.T) {
	for _, c := range []struct {
		name string
		kind Kind
		id   string
		ts   time.Time
		body any
		want string
	}{
		{"unknown kind", KindUnknown, "m1", ts, Heartbeat{}, "protocol: unknown or unexpected message kind: cannot encode unknown"},
		{"body of another kind", KindHeartbeat, "m1", ts, HeartbeatAck{}, "protocol: unknown or unexpected message kind: heartbeat_ack body in a heartbeat envelope"},
		{"empty id", KindHeartbeat, "", ts, Heartbeat{}, `protocol: invalid message: encode heartbeat: id "": want ^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$`},
		{"no time", KindHeartbeat, "m1", time.Time{}, Heartbeat{}, "protocol: invalid message: encode heartbeat: ts missing"},
		{"not an object", KindHeartbeat, "m1", ts, 7, "protocol: malformed message: encode heartbeat: body must be a JSON object"},
		{"too large", KindError, "m1", ts, Error{Code: "x", Message: strings.Repeat("x", MaxMessageSize)}, "protocol: message too large: error of 65634 bytes (limit 65536)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Encode(c.kind, c.id, c.ts, c.body)
			if err == nil || err.Error() != c.want {
				t.Fatalf("got  %v\nwant %s", err, c.want)
			}
		})
	}
}

func TestDecodeBodyKindMismatch(t *testing.T) {
	data, _ := Encode(KindHeartbeat, "m1", ts, Heartbeat{Seq: 1})
	env, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	_, err = DecodeBody[Telemetry](env)
	if !errors.Is(err, ErrKind) || err.Error() != "protocol: unknown or unexpected message kind: want telemetry, got heartbeat" {
		t.Fatalf("got %v", err)
	}
}

// decodeAny decodes an envelope and its body, whatever the kind.
func decodeAny(data []byte) (any, error) {
	env, err := Decode(data)
	if err != nil {
		return nil, err
	}
	switch env.Kind {
	case KindHello:
		return DecodeBody[Hello](env)
	case KindWelcome:
		return DecodeBody[Welcome](env)
	case KindHeartbeat:
		return DecodeBody[Heartbeat](env)
	case KindHeartbeatAck:
		return DecodeBody[HeartbeatAck](env)
	case KindTelemetry:
		return DecodeBody[Telemetry](env)
	case KindError:
		return DecodeBody[Error](env)
	case KindMessage:
		return DecodeBody[Message](env)
	case KindMessageAck:
		return DecodeBody[MessageAck](env)
	}
	return nil, errors.New("test: kind without a case: " + env.Kind.String())
}

func TestDecodeAcceptsNulls(t *testing.T) {
	body := mustJSON(t, sampleTelemetry())
	body = strings.Replace(body, `"gps":{`, `"gps":null,"x":{`, 1)
	body = body[:strings.Index(body, `,"x":{`)] + body[strings.Index(body, `,"link"`):]
	body = strings.Replace(body, `"cameras":[`, `"cameras":null,"y":[`, 1)
	body = body[:strings.Index(body, `,"y":[`)] + "}"
	got, err := decodeAny([]byte(envelope("telemetry", body)))
	if err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	if tel := got.(Telemetry); tel.GPS != nil || tel.Cameras != nil {
		t.Fatalf("%+v", tel)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func envelope(kind, body string) string {
	return `{"v":1,"kind":"` + kind + `","id":"m1","ts":"2026-11-22T09:30:00+07:00","body":` + body + `}`
}

func TestSentinelsAreDistinct(t *testing.T) {
	all := []error{ErrTooLarge, ErrVersion, ErrKind, ErrMalformed, ErrInvalid}
	for i, a := range all {
		for j, b := range all {
			if (i == j) != errors.Is(a, b) {
				t.Fatalf("%v vs %v", a, b)
			}
		}
	}
}
