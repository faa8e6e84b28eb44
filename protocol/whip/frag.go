package whip

import (
	"errors"
	"fmt"
	"strings"
)

// Frag is the part of a trickle-ice-sdpfrag that an ICE restart uses.
type Frag struct {
	Ufrag, Pwd string
	// Candidates are "candidate:..." attribute values.
	Candidates []string
}

// ErrBadFrag: the fragment has no ICE credentials.
var ErrBadFrag = errors.New("whip: sdpfrag lacks ice-ufrag or ice-pwd")

// ParseFrag reads ICE credentials and candidates from an sdpfrag.
func ParseFrag(s string) (Frag, error) {
	var f Frag
	if len(s) > maxBody {
		return f, fmt.Errorf("whip: sdpfrag of %d bytes", len(s))
	}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "a=ice-ufrag:"):
			f.Ufrag = strings.TrimPrefix(line, "a=ice-ufrag:")
		case strings.HasPrefix(line, "a=ice-pwd:"):
			f.Pwd = strings.TrimPrefix(line, "a=ice-pwd:")
		case strings.HasPrefix(line, "a=candidate:"):
			f.Candidates = append(f.Candidates, strings.TrimPrefix(line, "a="))
		}
	}
	if f.Ufrag == "" || f.Pwd == "" {
		return f, ErrBadFrag
	}
	return f, nil
}

// BuildFrag writes an ICE restart fragment (RFC 8840): the new
// credentials, and the candidates under the first media section's mid.
func BuildFrag(f Frag, mid string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n", f.Ufrag, f.Pwd)
	if len(f.Candidates) > 0 {
		fmt.Fprintf(&b, "m=audio 9 RTP/AVP 0\r\na=mid:%s\r\n", mid)
		for _, c := range f.Candidates {
			fmt.Fprintf(&b, "a=%s\r\n", c)
		}
		b.WriteString("a=end-of-candidates\r\n")
	}
	return b.String()
}
