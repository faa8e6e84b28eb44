package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fieldwatch/internal/testwait"
)

// TestCrossSiteRequestsAreRefused: a page on another port of the hub's
// host (same site, so the browser sends the officer's SameSite=Strict
// session cookie along) tries, as the logged-in duty officer, to send an
// instruction with a JSON body the browser labels with no type, and to
// import a sample list as a multipart form. The hub refuses both: nothing
// is sent and nothing imported, while the officer's own console still
// sends an instruction.
func TestCrossSiteRequestsAreRefused(t *testing.T) {
	fullLane(t)
	d := startDemo(t, 1, 1)
	officer := loginWithRole(t, d, "duty")
	hub := d.URL()
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>trang lạ</title><script>
const hub = %q;
const send = fetch(hub + 'api/v1/instructions', {method: 'POST', mode: 'no-cors', credentials: 'include',
  body: new Blob([JSON.stringify({text: 'lệnh giả mạo', vehicles: ['xe-01']})])});
const form = new FormData();
form.append('file', new Blob(['Số tờ khai\n105001\n105002\n']), 'list.csv');
const upload = fetch(hub + 'api/v1/samples?unit=cc-huu-nghi&kind=declaration&share=50&name=gia-mao', {method: 'POST',
  mode: 'no-cors', credentials: 'include', body: form});
Promise.allSettled([send, upload]).then(() => { document.title = 'done'; });
</script>`, hub)
	}))
	t.Cleanup(attacker.Close)

	b := newBrowser(t, testContext(t))
	loginAs(t, b, hub, officer.Username, officer.Password)
	run(t, b, 20*time.Second, chromedp.Navigate(attacker.URL))
	waitJS(t, b, 10*time.Second, "the attacking page's requests settled", `document.title === 'done'`)

	token := apiLogin(t, d, officer.Username)
	var sent []struct{ Text string }
	if err := getAt(hub, token, "api/v1/instructions", &sent); err != nil {
		t.Fatal(err)
	}
	for _, in := range sent {
		if strings.Contains(in.Text, "giả mạo") {
			t.Fatalf("the cross-site page sent an instruction as %s", officer.Username)
		}
	}
	var lists []struct{ Name string }
	if err := getAt(hub, token, "api/v1/samples?unit=cc-huu-nghi", &lists); err != nil {
		t.Fatal(err)
	}
	for _, l := range lists {
		if l.Name == "gia-mao" {
			t.Fatalf("the cross-site page imported a sample list as %s", officer.Username)
		}
	}
	// The console itself still works with the same session.
	run(t, b, 20*time.Second, chromedp.Navigate(hub))
	eval[bool](t, b, `(fetch('api/v1/instructions', {method: 'POST', headers: {'Content-Type': 'application/json'},
	  body: JSON.stringify({text: 'lệnh thật', vehicles: ['xe-01']})}).then((r) => { window.sentStatus = r.status; }), true)`)
	waitJS(t, b, 10*time.Second, "the console's own instruction answered", `window.sentStatus !== undefined`)
	if st := eval[int](t, b, `window.sentStatus`); st != http.StatusCreated && st != http.StatusOK {
		t.Fatalf("the console's own instruction was refused: %d", st)
	}
	testwait.For(t, 10*time.Second, "the console's instruction listed", func() bool {
		var list []struct{ Text string }
		return getAt(hub, token, "api/v1/instructions", &list) == nil && len(list) > 0 && strings.Contains(list[0].Text, "lệnh thật")
	})
}
