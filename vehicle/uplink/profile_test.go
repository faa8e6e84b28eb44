package uplink

import "testing"

func TestProfileLevelID(t *testing.T) {
	for _, c := range []struct {
		sps  []byte
		want string
		ok   bool
	}{
		{[]byte{0x67, 66, 0xc0, 30}, "42e01e", true},  // constrained baseline 3.0
		{[]byte{0x67, 66, 0x80, 31}, "42001f", true},  // baseline 3.1
		{[]byte{0x67, 77, 0x40, 40}, "4d0028", true},  // main 4.0
		{[]byte{0x67, 100, 0x00, 42}, "64002a", true}, // high 4.2
		{[]byte{0x67, 100, 0x0c, 31}, "64001f", true}, // high with flags set
		{[]byte{0x68, 100, 0, 31}, "", false},         // a PPS
		{[]byte{0x67, 100}, "", false},                // truncated
		{[]byte{0x67, 100, 0, 0}, "", false},          // no level
	} {
		got, ok := profileLevelID(c.sps)
		if got != c.want || ok != c.ok {
			t.Errorf("%x: got %q %v, want %q %v", c.sps, got, ok, c.want, c.ok)
		}
	}
	if spsOf([][]byte{{0x09}, {0x67, 1}, {0x65}})[1] != 1 || spsOf([][]byte{{0x41}}) != nil {
		t.Fatal("spsOf")
	}
}
