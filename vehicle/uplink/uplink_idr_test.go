package uplink

import (
	"testing"
)

func TestHasIDR(t *testing.T) {
	if !hasIDR([][]byte{{0x09, 0x10}, {0x67}, {0x68}, {0x65, 0x88}}) {
		t.Fatal("IDR access unit not recognised")
	}
	if hasIDR([][]byte{{0x09}, {0x41, 0x9a}}) || hasIDR(nil) || hasIDR([][]byte{{}}) {
		t.Fatal("non-IDR access unit taken for an IDR")
	}
}
