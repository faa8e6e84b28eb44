package whip

import "strings"

// FragFromSDP takes the ICE credentials and the candidates of the first
// media section (the BUNDLE transport) from a full SDP.
func FragFromSDP(sdp string) Frag {
	var f Frag
	section := -1
	for _, line := range strings.Split(sdp, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "m="):
			section++
		case strings.HasPrefix(line, "a=ice-ufrag:") && f.Ufrag == "":
			f.Ufrag = strings.TrimPrefix(line, "a=ice-ufrag:")
		case strings.HasPrefix(line, "a=ice-pwd:") && f.Pwd == "":
			f.Pwd = strings.TrimPrefix(line, "a=ice-pwd:")
		case strings.HasPrefix(line, "a=candidate:") && section == 0:
			f.Candidates = append(f.Candidates, strings.TrimPrefix(line, "a="))
		}
	}
	return f
}

// FirstMid returns the mid of the first media section, "0" if none is given.
func FirstMid(sdp string) string {
	for _, line := range strings.Split(sdp, "\n") {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "a=mid:") {
			return strings.TrimPrefix(line, "a=mid:")
		}
	}
	return "0"
}

// ApplyFrag rewrites a full SDP with an ICE restart's new credentials and
// candidates: the peer's previous description, made current again. The
// candidates go to the first media section.
func ApplyFrag(sdp string, f Frag) string {
	var out []string
	section := -1
	endSection := func() {
		if section < 0 {
			return
		}
		out = append(out, "a=ice-ufrag:"+f.Ufrag, "a=ice-pwd:"+f.Pwd)
		if section == 0 && len(f.Candidates) > 0 {
			for _, c := range f.Candidates {
				out = append(out, "a="+c)
			}
			out = append(out, "a=end-of-candidates")
		}
	}
	for _, line := range strings.Split(strings.TrimRight(sdp, "\r\n"), "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case strings.HasPrefix(line, "a=ice-ufrag:"), strings.HasPrefix(line, "a=ice-pwd:"),
			strings.HasPrefix(line, "a=candidate:"), line == "a=end-of-candidates":
			continue
		case strings.HasPrefix(line, "m="):
			endSection()
			section++
		}
		out = append(out, line)
	}
	endSection()
	return strings.Join(out, "\r\n") + "\r\n"
}
