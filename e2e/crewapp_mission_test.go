package e2e

import (
	"context"
	"fieldwatch/internal/testwait"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

type e2eMission struct {
	ID     string `json:"id"`
	State  string `json:"state"`
	Report *struct {
		Summary  string `json:"summary"`
		Findings string `json:"findings"`
		By       string `json:"by"`
	} `json:"report"`
}

// TestCrewAppMission: a duty officer plans a mobile surveillance mission in
// the console for a vehicle and its crew, with its window already open; the
// crew's phone shows the mission card (running, with its purpose and a
// countdown); the crew closes it with a closing report from the phone; the
// report and the close appear in the console's mission page and log.
func TestCrewAppMission(t *testing.T) {
	fullLane(t)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Second)
	defer cancel()
	d := startDemo(t, 1, 1)
	base := d.URL()
	const dutyName, crew, vehicleID = "trucban.huunghi", "tocongtac.huunghi", "xe-01"
	duty := apiLogin(t, d, dutyName)
	// The demo seeds a running mission for this crew: cancel it, so the
	// phone shows the one planned here.
	var seeded []e2eMission
	if err := getAt(base, duty, "api/v1/missions?state=active", &seeded); err != nil {
		t.Fatal(err)
	}
	for _, m := range seeded {
		if code, err := postAt(base, duty, "api/v1/missions/"+m.ID+"/cancel", map[string]string{"reason": "Kiểm thử"}, nil); err != nil || code != http.StatusOK {
			t.Fatalf("cancel the seeded mission: %d %v", code, err)
		}
	}

	// The duty officer plans the mission in the console.
	console := newBrowser(t, ctx)
	loginAs(t, console, base, dutyName, demoPassword)
	vn := time.FixedZone("ICT", 7*3600)
	from := time.Now().Add(-2 * time.Minute).In(vn).Format("2006-01-02T15:04")
	to := time.Now().Add(3 * time.Hour).In(vn).Format("2006-01-02T15:04")
	const purpose = "Giám sát xe container dừng đỗ dọc Quốc lộ 1A"
	run(t, console, 20*time.Second,
		chromedp.Click(chromedp.CSS(testid("nav-missions"))),
		chromedp.WaitVisible(chromedp.CSS(testid("mission-form"))),
	)
	waitJS(t, console, 10*time.Second, "the vehicles in the form", `document.querySelector('`+testid("mis-vehicle")+` option[value="`+vehicleID+`"]') !== null`)
	run(t, console, 20*time.Second,
		chromedp.SetValue(chromedp.CSS(testid("mis-vehicle")), vehicleID),
		chromedp.SendKeys(chromedp.CSS(testid("mis-crew")), crew),
		chromedp.SendKeys(chromedp.CSS(testid("mis-site")), "Quốc lộ 1A, Km 3 – Km 12"),
		chromedp.SendKeys(chromedp.CSS(testid("mis-route")), "Km 3, 21.85, 106.76\nKm 12, 21.93, 106.72"),
		chromedp.SetValue(chromedp.CSS(testid("mis-from")), from),
		chromedp.SetValue(chromedp.CSS(testid("mis-to")), to),
		chromedp.SendKeys(chromedp.CSS(testid("mis-purpose")), purpose),
		chromedp.Click(chromedp.CSS(testid("mis-submit"))),
		chromedp.WaitVisible(chromedp.CSS(testid("mission-detail"))),
	)
	id := eval[string](t, console, q("mission-detail")+`.dataset.id`)
	waitJS(t, console, 15*time.Second, "the mission running in the console", q("mission-detail")+`?.dataset.state === 'active'`)
	var m e2eMission
	if err := getAt(base, duty, "api/v1/missions/"+id, &m); err != nil || m.State != "active" {
		t.Fatalf("mission %s at the hub: %+v %v", id, m, err)
	}

	// The crew's phone shows the mission card and closes it with a report.
	phone := newCrewBrowser(t, ctx)
	run(t, phone, 20*time.Second,
		chromedp.Navigate(base+"m/"),
		chromedp.WaitVisible(chromedp.CSS(testid("login-user"))),
		chromedp.SendKeys(chromedp.CSS(testid("login-user")), crew),
		chromedp.SendKeys(chromedp.CSS(testid("login-password")), demoPassword),
		chromedp.Click(chromedp.CSS(testid("login-submit"))),
		chromedp.WaitVisible(chromedp.CSS(testid("instructions"))),
	)
	waitJS(t, phone, 15*time.Second, "the mission card", q("mission-card")+`?.dataset.id === '`+id+`' && !`+q("mission-card")+`.hidden`)
	if st := eval[string](t, phone, q("mission-state")+`.dataset.state`); st != "active" {
		t.Errorf("the card shows the mission %s", st)
	}
	if p := eval[string](t, phone, q("mission-purpose")+`.textContent`); p != purpose {
		t.Errorf("the card's purpose: %q", p)
	}
	if c := eval[string](t, phone, q("mission-countdown")+`.textContent`); !strings.HasPrefix(c, "Còn ") {
		t.Errorf("the card's countdown: %q", c)
	}
	const summary, findings = "Không phát hiện vi phạm trên tuyến", "Xe 12C-345.67 dừng 20 phút tại Km 7, đã ghi hình"
	run(t, phone, 15*time.Second,
		chromedp.Click(chromedp.CSS(testid("mission-close-open"))),
		chromedp.WaitVisible(chromedp.CSS(testid("mission-summary"))),
		chromedp.SendKeys(chromedp.CSS(testid("mission-summary")), summary),
		chromedp.SendKeys(chromedp.CSS(testid("mission-findings")), findings),
		chromedp.Click(chromedp.CSS(testid("mission-close-submit"))),
	)
	testwait.For(t, 15*time.Second, "the hub has the closing report", func() bool {
		return getAt(base, duty, "api/v1/missions/"+id, &m) == nil && m.State == "closed" && m.Report != nil
	})
	if m.Report.Summary != summary || m.Report.Findings != findings || m.Report.By != "Tổ công tác Hữu Nghị" {
		t.Fatalf("closing report at the hub: %+v", *m.Report)
	}
	waitJS(t, phone, 15*time.Second, "the card shows the mission closed", q("mission-state")+`?.dataset.state === 'closed'`)

	// The console's mission page shows the report, and the log the close.
	waitJS(t, console, 15*time.Second, "the report in the console", `(`+q("mission-report")+`?.textContent.includes('`+summary+`')) === true`)
	waitJS(t, console, 5*time.Second, "the close in the mission log",
		`[...document.querySelectorAll('`+testid("mission-log")+` li')].some((li) => li.dataset.kind === 'closed' && li.textContent.includes('`+summary+`'))`)
	if kinds := eval[string](t, console, `[...document.querySelectorAll('`+testid("mission-log")+` li')].map((li) => li.dataset.kind).join(' ')`); !strings.Contains(kinds, "created") || !strings.Contains(kinds, "started") {
		t.Errorf("mission log kinds: %s", kinds)
	}
}
