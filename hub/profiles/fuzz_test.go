package profiles

import (
	"encoding/json"
	"errors"
	"testing"
)

// A profile's JSON comes from the console: decoding never panics, refuses
// with ErrInvalid, and what it accepts encodes and decodes to the same.
func FuzzDecodeSpec(f *testing.F) {
	seed, _ := json.Marshal(gateSpec("Khu vực cửa khẩu Hữu Nghị"))
	f.Add(seed)
	f.Add([]byte(`{"title":"Đêm","watch_on_duty":true,"window":{"daily":{"start":"20:00","end":"06:00"}},"rules":[{"id":"mo","type":"window_open"}]}`))
	f.Add([]byte(`{"title":"x","watchers":["a"],"scope":{"cameras":["xe-01/cam1"]},"rules":[{"id":"c","type":"camera_offline"}]}`))
	f.Add([]byte(`{"title":"x","scope":{"plates":["29C-123.45"]},"rules":[{"id":"r","type":"report_match"}],"watchers":["a"]} {}`))
	f.Add([]byte(`{"title":"x","bogus":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := DecodeSpec(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error not ErrInvalid: %v", err)
			}
			return
		}
		again, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := DecodeSpec(again)
		if err != nil {
			t.Fatalf("accepted spec does not decode again: %v\n%s", err, again)
		}
		if b, _ := json.Marshal(s2); string(b) != string(again) {
			t.Fatalf("round trip changed the spec:\n%s\n%s", again, b)
		}
	})
}
