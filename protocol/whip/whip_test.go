package whip

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestOfferPatchDelete(t *testing.T) {
	var patched, deleted bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer secret-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.Method {
		case http.MethodPost:
			body, _ := io.ReadAll(r.Body)
			if r.Header.Get("Content-Type") != "application/sdp" || !strings.HasPrefix(string(body), "v=0") {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			w.Header().Set("Location", "/whip/xe-01/cam1/abc")
			w.Header().Set("ETag", `"1"`)
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, "v=0\r\nanswer")
		case http.MethodPatch:
			if r.Header.Get("If-Match") != `"1"` || r.URL.Path != "/whip/xe-01/cam1/abc" {
				w.WriteHeader(http.StatusPreconditionFailed)
				return
			}
			patched = true
			w.Header().Set("ETag", `"2"`)
			_, _ = io.WriteString(w, "a=ice-ufrag:srv\r\na=ice-pwd:serverpassword\r\n")
		case http.MethodDelete:
			deleted = true
		}
	}))
	defer srv.Close()
	c := &Client{Token: "secret-token"}
	s, err := c.Offer(context.Background(), srv.URL+"/whip/xe-01/cam1", "v=0\r\noffer")
	if err != nil {
		t.Fatal(err)
	}
	if s.Location != srv.URL+"/whip/xe-01/cam1/abc" || s.Answer != "v=0\r\nanswer" {
		t.Fatalf("session: %+v", s)
	}
	frag, err := s.Patch(context.Background(), c, BuildFrag(Frag{Ufrag: "u", Pwd: "p"}, "0"))
	if err != nil || !patched || s.ETag != `"2"` {
		t.Fatalf("patch: %v %v %q", err, patched, s.ETag)
	}
	if f, err := ParseFrag(frag); err != nil || f.Ufrag != "srv" {
		t.Fatalf("answer frag: %v %+v", err, f)
	}
	if err := s.Delete(context.Background(), c); err != nil || !deleted {
		t.Fatalf("delete: %v", err)
	}
	_, err = (&Client{Token: "wrong"}).Offer(context.Background(), srv.URL+"/whip/xe-01/cam1", "v=0")
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 401 || SessionGone(err) {
		t.Fatalf("wrong token: %v", err)
	}
}

func TestFragRoundTrip(t *testing.T) {
	in := Frag{Ufrag: "abcd", Pwd: "0123456789abcdef0123", Candidates: []string{"candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host"}}
	out, err := ParseFrag(BuildFrag(in, "0"))
	if err != nil || out.Ufrag != in.Ufrag || out.Pwd != in.Pwd || len(out.Candidates) != 1 || out.Candidates[0] != in.Candidates[0] {
		t.Fatalf("round trip: %v %+v", err, out)
	}
	if _, err := ParseFrag("a=ice-ufrag:x\r\n"); !errors.Is(err, ErrBadFrag) {
		t.Fatalf("no pwd: %v", err)
	}
}

func FuzzParseFrag(f *testing.F) {
	f.Add("a=ice-ufrag:abcd\r\na=ice-pwd:secret\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\na=candidate:1 1 udp 1 127.0.0.1 9 typ host\r\n")
	f.Fuzz(func(t *testing.T, s string) {
		fr, err := ParseFrag(s)
		if err == nil && (fr.Ufrag == "" || fr.Pwd == "") {
			t.Fatal("accepted a fragment without credentials")
		}
	})
}

func TestApplyFrag(t *testing.T) {
	sdp := "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n" +
		"m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:old\r\na=ice-pwd:oldpassword\r\na=mid:0\r\n" +
		"a=candidate:1 1 udp 2130706431 127.0.0.1 4000 typ host\r\na=end-of-candidates\r\n" +
		"m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:old\r\na=ice-pwd:oldpassword\r\na=mid:1\r\n"
	f := Frag{Ufrag: "new", Pwd: "newpassword", Candidates: []string{"candidate:2 1 udp 2130706431 127.0.0.1 5000 typ host"}}
	got := ApplyFrag(sdp, f)
	if strings.Contains(got, "old") || strings.Contains(got, "4000") {
		t.Fatalf("old credentials or candidates left:\n%s", got)
	}
	back := FragFromSDP(got)
	if back.Ufrag != "new" || back.Pwd != "newpassword" || len(back.Candidates) != 1 || !strings.Contains(back.Candidates[0], "5000") {
		t.Fatalf("frag from rewritten SDP: %+v\n%s", back, got)
	}
	if strings.Count(got, "a=ice-ufrag:new") != 2 || FirstMid(got) != "0" {
		t.Fatalf("each media section needs the new credentials:\n%s", got)
	}
}

// FuzzApplyFrag rewrites arbitrary SDP with an ICE restart fragment.
func FuzzApplyFrag(f *testing.F) {
	f.Add("v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=ice-ufrag:x\r\na=mid:0\r\n", "a=ice-ufrag:abcd\r\na=ice-pwd:secretsecret\r\na=candidate:1 1 udp 1 127.0.0.1 9 typ host\r\n")
	f.Fuzz(func(t *testing.T, sdp, frag string) {
		fr, err := ParseFrag(frag)
		if err != nil {
			return
		}
		out := ApplyFrag(sdp, fr)
		if strings.Contains(out, "m=") {
			back := FragFromSDP(out)
			if back.Ufrag != strings.TrimSpace(fr.Ufrag) && !strings.ContainsAny(fr.Ufrag, "\r\n") {
				t.Fatalf("ufrag %q came back as %q", fr.Ufrag, back.Ufrag)
			}
		}
	})
}
