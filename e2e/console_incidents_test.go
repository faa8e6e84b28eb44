package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fieldwatch/hub/calendar"
)

// TestConsoleIncidents: a duty officer opens a camera fault on xe-01's
// camera from the incidents page; it is listed as due in 10 working days
// (Decision 247); they take it, post the day's update, keep the manual gate
// log of a container while the camera is down, and close it with its cause
// and fix. The hub holds all of it, with the gate entry's time read as
// Vietnam time.
func TestConsoleIncidents(t *testing.T) {
	fullLane(t)
	ctx := testContext(t)
	d := startDemo(t, 2, 1)
	const officer = "trucban.huunghi"
	b := newBrowser(t, ctx)
	loginAs(t, b, d.URL(), officer, demoPassword)
	run(t, b, 10*time.Second, clickID("nav-incidents"), visibleID("incidents"), clickID("inc-open-toggle"), visibleID("inc-open-form"))
	waitJS(t, b, 10*time.Second, "xe-01's camera offered", q("inc-camera")+`.value === 'cam1' && `+q("inc-vehicle")+`.value === 'xe-01'`)
	run(t, b, 10*time.Second,
		chromedp.SetValue(chromedp.CSS(testid("inc-kind")), "camera"),
		chromedp.SetValue(chromedp.CSS(testid("inc-title")), "Camera cổng B mất hình"))
	eval[bool](t, b, q("inc-open-form")+`.requestSubmit() === undefined`) // the form, as its button would, without racing the layout
	row := `document.querySelector('` + testid("inc-row") + `')`
	listed := row + `?.textContent.includes('Camera cổng B mất hình') === true`
	for deadline := time.Now().Add(10 * time.Second); !eval[bool](t, b, listed); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after 10s waiting for the incident listed; the form says %q", textOf(t, b, "inc-open-form"))
		}
	}
	id := eval[string](t, b, row+`.dataset.id`)
	if got := eval[string](t, b, row+`.textContent`); !strings.Contains(got, "còn 10 ngày làm việc") {
		t.Errorf("the row reads %q, want 10 working days left", got)
	}
	step := func(what string, form string, fields map[string]string, done string) {
		t.Helper()
		waitJS(t, b, 10*time.Second, what+": the form", q(form)+` !== null`)
		acts := []chromedp.Action[chromedp.Void]{}
		for id, v := range fields {
			acts = append(acts, chromedp.SetValue(chromedp.CSS(testid(id)), v))
		}
		run(t, b, 10*time.Second, acts...)
		eval[bool](t, b, q(form)+`.requestSubmit() === undefined`)
		waitJS(t, b, 10*time.Second, what, done)
	}
	detail := q("inc-detail") + `.textContent`
	step("assigned", "inc-assign", map[string]string{"inc-assignee": officer}, row+`.textContent.includes('`+officer+`')`)
	step("the day's update", "inc-update", map[string]string{"inc-update-text": "Đã báo nhà thầu, chờ thay nguồn"}, detail+`.includes('chờ thay nguồn')`)
	today := time.Now().In(calendar.Zone).Format(time.DateOnly)
	step("the gate log", "inc-gate-form", map[string]string{"inc-plate": "12C-345.67", "inc-container": "TGHU1234567", "inc-in": today + "T09:30"},
		q("inc-gate")+`?.textContent.includes('TGHU1234567') === true`)
	step("closed", "inc-close", map[string]string{"inc-cause": "Hỏng bộ nguồn", "inc-fix": "Thay bộ nguồn mới"}, detail+`.includes('Thay bộ nguồn mới')`)
	screenshotTo(t, b, "incident-closed")

	var got struct {
		Kind, Vehicle, Camera, Assignee, Cause, Fix string
		Closed                                      time.Time
		Updates                                     []struct{ Text, By string }
		GateLog                                     []struct {
			Plate, Container, By string
			In                   time.Time
		} `json:"gate_log"`
	}
	if err := getAt(d.URL(), apiLogin(t, d, officer), "api/v1/incidents/"+id, &got); err != nil {
		t.Fatal(err)
	}
	in := time.Date(time.Now().In(calendar.Zone).Year(), time.Now().In(calendar.Zone).Month(), time.Now().In(calendar.Zone).Day(), 9, 30, 0, 0, calendar.Zone)
	switch {
	case got.Kind != "camera" || got.Vehicle != "xe-01" || got.Camera != "cam1" || got.Assignee != officer:
		t.Errorf("the incident: %+v", got)
	case len(got.Updates) != 2 || got.Updates[1].Text != "Đã báo nhà thầu, chờ thay nguồn" || got.Updates[1].By != officer: // the assignment, then the update
		t.Errorf("updates: %+v", got.Updates)
	case len(got.GateLog) != 1 || got.GateLog[0].Plate != "12C-345.67" || !got.GateLog[0].In.Equal(in):
		t.Errorf("gate log: %+v (want in at %s)", got.GateLog, in)
	case got.Closed.IsZero() || got.Cause != "Hỏng bộ nguồn" || got.Fix != "Thay bộ nguồn mới":
		t.Errorf("closing: %v %q %q", got.Closed, got.Cause, got.Fix)
	}
}
