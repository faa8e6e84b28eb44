package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestConsoleServices: the duty officer opens service monitoring (Decision
// 3035, Appendix II); the hub's and xe-01's services show, xe-01's camera
// green; when the camera fails at the vehicle its tile turns yellow or red,
// the summary counts it, and the history lists the change, also when
// filtered to xe-01 and not when filtered to the hub; the page reads in
// English on request. A crew, whose role does not see the page, has no
// menu entry and is refused it.
func TestConsoleServices(t *testing.T) {
	fullLane(t)
	ctx := testContext(t)
	d := startDemo(t, 1, 1)
	const vehicle, camera = "xe-01", "cam1"
	if ids := d.VehicleIDs(); len(ids) != 1 || ids[0] != vehicle {
		t.Fatalf("the demo's vehicles are %v, want [%s]", ids, vehicle)
	}
	b := newBrowser(t, ctx)
	loginAs(t, b, d.URL(), "trucban", demoPassword)
	waitJS(t, b, 5*time.Second, "service monitoring in the duty officer's menu", `!`+q("nav-services")+`.hidden`)
	if got := textOf(t, b, "nav-services"); got != "Dịch vụ" {
		t.Errorf("the menu entry reads %q", got)
	}
	run(t, b, 10*time.Second, clickID("nav-services"), visibleID("services"), visibleID("svc-summary"))

	tile := q("svc-" + vehicle + "-camera-" + camera)
	waitJS(t, b, 30*time.Second, "xe-01's camera tile green", tile+`?.dataset.state === 'running'`)
	if got := textOf(t, b, "svc-"+vehicle+"-camera-"+camera); !strings.Contains(got, "Thu hình camera cam1") || !strings.Contains(got, "Đang chạy") {
		t.Errorf("the camera tile reads %q", got)
	}
	if got := eval[string](t, b, `getComputedStyle(`+tile+`).borderLeftColor`); got != "rgb(46, 160, 67)" {
		t.Errorf("a running tile's colour is %s, want green", got)
	}
	waitJS(t, b, 10*time.Second, "the hub's services running", q("svc-hub-relay")+`?.dataset.state === 'running' && `+q("svc-hub-http")+`?.dataset.state === 'running'`)
	if got := textOf(t, b, "svc-hub-relay"); !strings.Contains(got, "Chuyển tiếp video") {
		t.Errorf("the hub's relay tile reads %q", got)
	}
	hosts := eval[[]string](t, b, `[...document.querySelectorAll('[data-testid^="svc-host-"]')].map((e) => e.dataset.host)`)
	if len(hosts) != 2 || hosts[0] != "hub" || hosts[1] != vehicle {
		t.Errorf("hosts shown %v, want the hub, then %s", hosts, vehicle)
	}
	if got := textOf(t, b, "svc-host-"+vehicle); !strings.Contains(got, "Xe chỉ huy 01") {
		t.Errorf("xe-01's grid is not titled with its name: %q", got)
	}
	for _, id := range []string{"control", "uplink-" + camera} {
		waitJS(t, b, 10*time.Second, "xe-01's "+id+" running", q("svc-"+vehicle+"-"+id)+`?.dataset.state === 'running'`)
	}
	count := func(state string) int { return eval[int](t, b, `Number(`+q("svc-count-"+state)+`.dataset.count)`) }
	running := count("running")
	if running < 8 || count("error")+count("stopped") != 0 {
		t.Errorf("summary: %d running, %d stopped, %d in error", running, count("stopped"), count("error"))
	}
	screenshotTo(t, b, "services")

	if err := d.SetCamera(vehicle, camera, false); err != nil {
		t.Fatal(err)
	}
	waitJS(t, b, 30*time.Second, "the camera tile no longer green", tile+`.dataset.state === 'stopped' || `+tile+`.dataset.state === 'error'`)
	if got := eval[string](t, b, `getComputedStyle(`+tile+`).borderLeftColor`); got == "rgb(46, 160, 67)" {
		t.Error("the failed camera's tile is still green")
	}
	if count("error")+count("stopped") == 0 {
		t.Error("the summary counts no service stopped or in error")
	}
	change := `[...document.querySelectorAll('[data-testid^="svc-history-row-"]')].some((r) => r.dataset.host === '` + vehicle +
		`' && r.dataset.name === 'camera ` + camera + `' && r.dataset.was === 'running' && r.dataset.state !== 'running')`
	waitJS(t, b, 15*time.Second, "the history lists the camera's change", change)
	row := eval[string](t, b, `[...document.querySelectorAll('[data-testid^="svc-history-row-"]')].find((r) => r.dataset.name === 'camera `+camera+
		`' && r.dataset.was === 'running').textContent`)
	if !strings.Contains(row, "Đang chạy → ") || !strings.Contains(row, "Thu hình camera cam1") || !strings.Contains(row, "Xe chỉ huy 01") {
		t.Errorf("the history row reads %q", row)
	}
	if !eval[bool](t, b, `[...document.querySelectorAll('[data-testid^="svc-history-row-"]')].every((r) => r.dataset.was !== r.dataset.state)`) {
		t.Error("the history lists changes of the message alone while showing state changes only")
	}
	screenshotTo(t, b, "services-camera-down")

	// Filtered to the hub, the camera's change is gone; to xe-01, it is back.
	pick := func(host string) {
		eval[bool](t, b, `(() => { const s = `+q("svc-filter-host")+`; s.value = '`+host+`'; s.dispatchEvent(new Event('change')); return true; })()`)
	}
	waitJS(t, b, 10*time.Second, "xe-01 in the host filter", `[...`+q("svc-filter-host")+`.options].some((o) => o.value === '`+vehicle+`')`)
	pick("hub")
	waitJS(t, b, 10*time.Second, "only the hub's changes", `(() => { const rows = [...document.querySelectorAll('[data-testid^="svc-history-row-"]')];
		return rows.length > 0 && rows.every((r) => r.dataset.host === 'hub'); })()`)
	if !strings.Contains(eval[string](t, b, `location.hash`), "host=hub") {
		t.Error("the address does not keep the host filter")
	}
	pick(vehicle)
	waitJS(t, b, 10*time.Second, "xe-01's changes again", change+` && [...document.querySelectorAll('[data-testid^="svc-history-row-"]')].every((r) => r.dataset.host === '`+vehicle+`')`)

	// English on request.
	run(t, b, 10*time.Second, clickID("lang"))
	waitJS(t, b, 10*time.Second, "the page in English", q("svc-"+vehicle+"-camera-"+camera)+`?.textContent.includes('Camera cam1 capture') === true`)
	if got := textOf(t, b, "svc-summary"); !strings.Contains(got, "Running") {
		t.Errorf("the English summary reads %q", got)
	}
	run(t, b, 10*time.Second, clickID("lang"))

	// A crew does not see the page.
	logoutUI(t, b)
	const crew = "tocongtac.huunghi"
	loginAs(t, b, d.URL(), crew, seededPassword(t, d, crew))
	if !eval[bool](t, b, q("nav-services")+`.hidden`) {
		t.Error("a crew is offered service monitoring")
	}
	goHash(t, b, "#/services")
	run(t, b, 10*time.Second, visibleID("forbidden"))
}
