package protocol

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// tel is a valid telemetry body with one part replaced: tel(`"cpu_percent":23.5`, `"cpu_percent":-1`).
func tel(old, new string) string {
	body := `{"time":"2026-11-22T09:30:00+07:00",` +
		`"gps":{"lat":21.9686,"lon":106.7054,"alt_m":260,"speed_kmh":42,"heading":315,"accuracy_m":5,"time":"2026-11-22T09:30:00+07:00"},` +
		`"link":{"state":"up","rtt_ms":48.5,"uplink_kbps":3100,"loss_pct":0},` +
		`"cpu_percent":23.5,"mem_used_bytes":1024,"mem_total_bytes":4096,` +
		`"disk":{"path":"/data","total_bytes":100,"free_bytes":50},` +
		`"cameras":[{"id":"cam1","state":"online","publishing":true,"error":"","width":640,"height":360,"bitrate_kbps":1500}]}`
	if !strings.Contains(body, old) {
		panic("test: " + old + " not in the telemetry body")
	}
	return envelope("telemetry", strings.Replace(body, old, new, 1))
}

const hello = `{"vehicle":"xe-01","software":"fw","protocol":1,"cameras":[{"id":"cam1","name":"Trước"}]}`

// TestDecodeRejects is the table of bad messages and the exact error each gets.
func TestDecodeRejects(t *testing.T) {
	for _, c := range []struct {
		name, msg string
		sentinel  error
		want      string
	}{
		{"too large", strings.Repeat(" ", MaxMessageSize+1), ErrTooLarge,
			"protocol: message too large: 65537 bytes (limit 65536)"},
		{"empty", "", ErrMalformed, "protocol: malformed message: EOF"},
		{"not json", "hello", ErrMalformed, "protocol: malformed message: invalid character 'h' looking for beginning of value"},
		{"array", "[]", ErrMalformed, "protocol: malformed message: json: cannot unmarshal array into Go value of type protocol.wireEnvelope"},
		{"unknown field", `{"v":1,"kind":"heartbeat","id":"m1","ts":"2026-11-22T09:30:00Z","body":{},"x":1}`, ErrMalformed,
			`protocol: malformed message: json: unknown field "x"`},
		{"trailing data", envelope("heartbeat", `{"seq":1}`) + `{}`, ErrMalformed,
			"protocol: malformed message: trailing data after the message"},
		{"no version", `{"kind":"heartbeat","id":"m1","ts":"2026-11-22T09:30:00Z","body":{}}`, ErrMalformed,
			`protocol: malformed message: missing field "v"`},
		{"newer version", `{"v":2,"kind":"launch","id":"m1","ts":"2026-11-22T09:30:00Z","body":{}}`, ErrVersion,
			"protocol: unsupported version: 2 (this side speaks 1)"},
		{"version as text", `{"v":"1","kind":"heartbeat","id":"m1","ts":"2026-11-22T09:30:00Z","body":{}}`, ErrMalformed,
			"protocol: malformed message: json: cannot unmarshal string into Go struct field wireEnvelope.v of type int"},
		{"no kind", `{"v":1,"id":"m1","ts":"2026-11-22T09:30:00Z","body":{}}`, ErrMalformed,
			`protocol: malformed message: missing field "kind"`},
		{"unknown kind", `{"v":1,"kind":"launch","id":"m1","ts":"2026-11-22T09:30:00Z","body":{}}`, ErrKind,
			`protocol: unknown or unexpected message kind: "launch"`},
		{"kind unknown by name", `{"v":1,"kind":"unknown","id":"m1","ts":"2026-11-22T09:30:00Z","body":{}}`, ErrKind,
			`protocol: unknown or unexpected message kind: "unknown"`},
		{"no id", `{"v":1,"kind":"heartbeat","ts":"2026-11-22T09:30:00Z","body":{}}`, ErrMalformed,
			`protocol: malformed message: missing field "id"`},
		{"bad id", `{"v":1,"kind":"heartbeat","id":"m 1","ts":"2026-11-22T09:30:00Z","body":{}}`, ErrInvalid,
			`protocol: invalid message: heartbeat: id "m 1": want ^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$`},
		{"no ts", `{"v":1,"kind":"heartbeat","id":"m1","body":{}}`, ErrMalformed,
			`protocol: malformed message: missing field "ts"`},
		{"ts without offset", `{"v":1,"kind":"heartbeat","id":"m1","ts":"2026-11-22T09:30:00","body":{}}`, ErrMalformed,
			`protocol: malformed message: parsing time "2026-11-22T09:30:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"`},
		{"zero ts", `{"v":1,"kind":"heartbeat","id":"m1","ts":"0001-01-01T00:00:00Z","body":{}}`, ErrInvalid,
			"protocol: invalid message: heartbeat: ts missing"},
		{"no body", `{"v":1,"kind":"heartbeat","id":"m1","ts":"2026-11-22T09:30:00Z"}`, ErrMalformed,
			`protocol: malformed message: missing field "body"`},
		{"null body", envelope("heartbeat", "null"), ErrMalformed,
			"protocol: malformed message: body must be a JSON object"},
		{"body unknown field", envelope("heartbeat", `{"seq":1,"extra":2}`), ErrMalformed,
			`protocol: malformed message: heartbeat body: json: unknown field "extra"`},
		{"body missing field", envelope("heartbeat", `{}`), ErrMalformed,
			`protocol: malformed message: heartbeat body: missing field "seq"`},
		{"negative seq", envelope("heartbeat_ack", `{"seq":-1}`), ErrMalformed,
			"protocol: malformed message: heartbeat_ack body: json: cannot unmarshal number -1 into Go struct field HeartbeatAck.seq of type uint64"},
		{"hello bad vehicle", envelope("hello", strings.Replace(hello, "xe-01", "Xe 1", 1)), ErrInvalid,
			`protocol: invalid message: hello: vehicle "Xe 1": want ^[a-z0-9][a-z0-9_-]{0,63}$`},
		{"hello old protocol", envelope("hello", strings.Replace(hello, `"protocol":1`, `"protocol":0`, 1)), ErrVersion,
			"protocol: unsupported version: hello.protocol 0 (this side speaks 1)"},
		{"hello camera twice", envelope("hello", strings.Replace(hello, `}]`, `},{"id":"cam1","name":"b"}]`, 1)), ErrInvalid,
			`protocol: invalid message: hello: cameras[1].id "cam1": listed twice`},
		{"hello camera without name", envelope("hello", strings.Replace(hello, `,"name":"Trước"`, "", 1)), ErrMalformed,
			`protocol: malformed message: hello body: missing field "cameras[0].name"`},
		{"hello too many cameras", envelope("hello", `{"vehicle":"xe-01","software":"fw","protocol":1,"cameras":[`+
			strings.Repeat(`{"id":"c","name":""},`, MaxCameras)+`{"id":"c","name":""}]}`), ErrInvalid,
			"protocol: invalid message: hello: cameras: 33, at most 32"},
		{"welcome interval", envelope("welcome", `{"hub":"h","server_time":"2026-11-22T09:30:00Z","heartbeat_interval_ms":5}`), ErrInvalid,
			"protocol: invalid message: welcome: heartbeat_interval_ms 5 out of 100..60000"},
		{"telemetry bad lat", tel(`"lat":21.9686`, `"lat":91`), ErrInvalid,
			"protocol: invalid message: telemetry: gps.lat 91 out of -90..90"},
		{"telemetry bad lon", tel(`"lon":106.7054`, `"lon":-180.5`), ErrInvalid,
			"protocol: invalid message: telemetry: gps.lon -180.5 out of -180..180"},
		{"telemetry heading 360", tel(`"heading":315`, `"heading":360`), ErrInvalid,
			"protocol: invalid message: telemetry: gps.heading 360 out of [0, 360)"},
		{"telemetry negative speed", tel(`"speed_kmh":42`, `"speed_kmh":-3`), ErrInvalid,
			"protocol: invalid message: telemetry: gps.speed_kmh -3 out of 0..500"},
		{"telemetry gps missing time", tel(`,"time":"2026-11-22T09:30:00+07:00"},`, `},`), ErrMalformed,
			`protocol: malformed message: telemetry body: missing field "gps.time"`},
		{"telemetry negative cpu", tel(`"cpu_percent":23.5`, `"cpu_percent":-1`), ErrInvalid,
			"protocol: invalid message: telemetry: cpu_percent -1 out of 0..100"},
		{"telemetry loss above 100", tel(`"loss_pct":0`, `"loss_pct":101`), ErrInvalid,
			"protocol: invalid message: telemetry: link.loss_pct 101 out of 0..100"},
		{"telemetry bad link", tel(`"state":"up"`, `"state":"maybe"`), ErrInvalid,
			`protocol: invalid message: telemetry: link.state "maybe": want up or down`},
		{"telemetry memory", tel(`"mem_used_bytes":1024`, `"mem_used_bytes":5000`), ErrInvalid,
			"protocol: invalid message: telemetry: mem_used_bytes 5000 above mem_total_bytes 4096"},
		{"telemetry disk", tel(`"free_bytes":50`, `"free_bytes":500`), ErrInvalid,
			"protocol: invalid message: telemetry: disk.free_bytes 500 above disk.total_bytes 100"},
		{"telemetry no link", tel(`"link":{"state":"up","rtt_ms":48.5,"uplink_kbps":3100,"loss_pct":0},`, ""), ErrMalformed,
			`protocol: malformed message: telemetry body: missing field "link"`},
		{"telemetry camera state", tel(`"state":"online"`, `"state":"burning"`), ErrInvalid,
			`protocol: invalid message: telemetry: cameras[0].state "burning": want online, offline or error`},
		{"telemetry camera id", tel(`"id":"cam1"`, `"id":"../cam"`), ErrInvalid,
			`protocol: invalid message: telemetry: cameras[0].id "../cam": want ^[a-z0-9][a-z0-9_-]{0,63}$`},
		{"telemetry camera size", tel(`"width":640`, `"width":-640`), ErrInvalid,
			"protocol: invalid message: telemetry: cameras[0]: size -640x360 out of 0..16384"},
		{"telemetry camera missing field", tel(`"publishing":true,`, ""), ErrMalformed,
			`protocol: malformed message: telemetry body: missing field "cameras[0].publishing"`},
		{"mission without rev", missionMsg(`"rev":3`, `"rev":0`), ErrInvalid,
			"protocol: invalid message: message: mission m-1: rev must start at 1"},
		{"mission window backwards", missionMsg(`"to":"2026-11-22T12:00:00+07:00"`, `"to":"2026-11-22T07:00:00+07:00"`), ErrInvalid,
			"protocol: invalid message: message: mission m-1: window must end after it starts"},
		{"mission unknown state", missionMsg(`"state":"planned"`, `"state":"paused"`), ErrInvalid,
			`protocol: invalid message: message: mission m-1: state "paused" unknown`},
		{"mission unknown field", missionMsg(`"rev":3`, `"rev":3,"x":1`), ErrInvalid,
			`protocol: invalid message: message: mission body: json: unknown field "x"`},
		{"mission waypoint", missionMsg(`"lat":21.5`, `"lat":121.5`), ErrInvalid,
			"protocol: invalid message: message: mission m-1: waypoints[0] out of range"},
		{"mission report without summary", envelope("message", `{"stream":"xe-01>hub","seq":2,"type":"mission_report","time":"2026-11-22T09:30:00+07:00","body":{"id":"m-1","summary":"","findings":"","by":"a","time":"2026-11-22T09:30:00+07:00"}}`), ErrInvalid,
			"protocol: invalid message: message: mission m-1: closing report without a summary"},
		{"error without code", envelope("error", `{"code":"","message":"x"}`), ErrInvalid,
			`protocol: invalid message: error: code "": want ^[a-z0-9][a-z0-9_-]{0,63}$`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := decodeAny([]byte(c.msg))
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, c.sentinel) || err.Error() != c.want {
				t.Fatalf("got  %v\nwant %s (%v)", err, c.want, c.sentinel)
			}
		})
	}
}

// FuzzDecode feeds arbitrary bytes to the decoders: they must never panic,
// and whatever they accept must be valid and survive a re-encode and a
// second decode unchanged.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(envelope("heartbeat", `{"seq":3}`)))
	f.Add([]byte(envelope("heartbeat_ack", `{"seq":3}`)))
	f.Add([]byte(envelope("hello", hello)))
	f.Add([]byte(envelope("welcome", `{"hub":"h","server_time":"2026-11-22T09:30:00Z","heartbeat_interval_ms":1000}`)))
	f.Add([]byte(tel(`"cpu_percent":23.5`, `"cpu_percent":23.5`)))
	f.Add([]byte(tel(`"gps":{`, `"gps":null,"x":{`)))
	f.Add([]byte(envelope("error", `{"code":"bad_hello","message":"x"}`)))
	f.Add([]byte(envelope("message", `{"stream":"hub>xe-01","seq":7,"type":"instruction","time":"2026-11-22T09:30:00+07:00","body":{"id":"i-1","text":"Kiểm tra xe 29C-123.45"}}`)))
	f.Add([]byte(envelope("message_ack", `{"stream":"xe-01>hub","seq":7}`)))
	f.Add([]byte(missionMsg(`"rev":3`, `"rev":3`)))
	f.Add([]byte(envelope("message", `{"stream":"xe-01>hub","seq":2,"type":"mission_report","time":"2026-11-22T09:30:00+07:00","body":{"id":"m-1","summary":"Xong","findings":"","by":"a","time":"2026-11-22T09:30:00+07:00"}}`)))
	f.Add([]byte(`{"v":2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		body, err := decodeAny(data)
		if err != nil {
			for _, s := range []error{ErrTooLarge, ErrVersion, ErrKind, ErrMalformed, ErrInvalid} {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error without a sentinel: %v", err)
		}
		b := body.(Body)
		if err := b.Validate(); err != nil {
			t.Fatalf("accepted an invalid %s: %v", b.Kind(), err)
		}
		env, _ := Decode(data)
		again, err := Encode(b.Kind(), env.ID, env.TS, body)
		if err != nil {
			if errors.Is(err, ErrTooLarge) {
				return // re-encoding may escape characters the input did not
			}
			t.Fatalf("re-encode: %v", err)
		}
		body2, err := decodeAny(again)
		if err != nil {
			t.Fatalf("decode of the re-encoding: %v\n%s", err, again)
		}
		if mustMarshal(body) != mustMarshal(body2) {
			t.Fatalf("changed on the second trip:\n%s\n%s", mustMarshal(body), mustMarshal(body2))
		}
	})
}

func mustMarshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// missionMsg is a valid mission message with one part replaced.
func missionMsg(old, new string) string {
	body := `{"id":"m-1","rev":3,"vehicle":"xe-01","crew":["to.truong"],"site":"Cửa khẩu Hữu Nghị",` +
		`"waypoints":[{"name":"Km 3","lat":21.5,"lon":106.7}],"from":"2026-11-22T08:00:00+07:00","to":"2026-11-22T12:00:00+07:00",` +
		`"purpose":"Giám sát xe container","state":"planned"}`
	if !strings.Contains(body, old) {
		panic("test: " + old + " not in the mission body")
	}
	return envelope("message", `{"stream":"hub>xe-01","seq":4,"type":"mission","time":"2026-11-22T07:30:00+07:00","body":`+strings.Replace(body, old, new, 1)+`}`)
}
