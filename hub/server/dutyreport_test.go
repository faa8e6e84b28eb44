package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fieldwatch/hub/auth"
	"fieldwatch/hub/dutylog"
	"fieldwatch/hub/dutyreport"
)

// get fetches url with a bearer token and returns the whole response.
func get(t *testing.T, url, token string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), "GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// The daily report downloads as PDF and XLSX named after the unit and
// the shift, with the log's entries and the roster's officers; an unknown
// format is a 400; JSON stays the default.
func TestDutyReportExport(t *testing.T) {
	h, srv := newTestHub(t)
	for _, u := range []auth.User{
		{Username: "lanhdao.a", Name: "Nguyễn Văn Đức", Unit: "cc-a", Roles: []string{auth.RoleLeader}},
		{Username: "trucban.a1", Name: "Trần Thị Hà", Unit: "cc-a", Roles: []string{auth.RoleDuty}},
		{Username: "giamsat.a1", Name: "Lê Minh Tuấn", Unit: "cc-a", Roles: []string{auth.RoleSurveillance}},
		{Username: "trucban.b", Name: "TB B", Unit: "cc-b", Roles: []string{auth.RoleDuty}},
	} {
		if err := h.auth.PutUser(u, password); err != nil {
			t.Fatal(err)
		}
	}
	leader, duty, other := loginAs(t, h, "lanhdao.a", password), loginAs(t, h, "trucban.a1", password), loginAs(t, h, "trucban.b", password)
	shift := dutylog.Shift(time.Now())
	day, _ := time.ParseInLocation(time.DateOnly, shift, dutylog.Zone)
	status, body := do(t, "POST", srv.URL+"/api/v1/rosters", leader, "application/json",
		`{"unit":"cc-a","from":"`+shift+`","to":"`+day.AddDate(0, 0, 1).Format(time.DateOnly)+`"}`)
	var ro struct{ ID string }
	if status != 201 || json.Unmarshal([]byte(body), &ro) != nil {
		t.Fatalf("roster: %d %s", status, body)
	}
	if status, body := do(t, "POST", srv.URL+"/api/v1/rosters/"+ro.ID+"/publish", leader, "", ""); status != 200 {
		t.Fatalf("publish: %d %s", status, body)
	}
	for _, e := range []string{`{"kind":"event","text":"Xe 29C-123.45 qua cổng lúc 09:10"}`, `{"kind":"equipment","text":"Camera cổng 2 mất tín hiệu","open":true}`} {
		if status, body := do(t, "POST", srv.URL+"/api/v1/dutylog", duty, "application/json", e); status != 201 {
			t.Fatalf("entry: %d %s", status, body)
		}
	}
	base := srv.URL + "/api/v1/dutylog/report?unit=cc-a&shift=" + shift

	resp, b := get(t, base+"&format=xlsx", duty)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != dutyreport.ContentTypeXLSX ||
		resp.Header.Get("Content-Disposition") != `attachment; filename="bao-cao-truc-ban_cc-a_`+shift+`.xlsx"` {
		t.Fatalf("xlsx: %d %v %.200s", resp.StatusCode, resp.Header, b)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(dutyreport.SheetEntries)
	if len(rows) != 3 || rows[1][2] != "Xe 29C-123.45 qua cổng lúc 09:10" || rows[2][2] != "Camera cổng 2 mất tín hiệu" || rows[2][3] != "Trần Thị Hà" || rows[2][4] != "Có" {
		t.Fatalf("entries sheet %q", rows)
	}
	summary, _ := f.GetRows(dutyreport.SheetSummary)
	var officers []string
	for _, r := range summary {
		if len(r) == 2 && strings.HasPrefix(r[0], "Trực") || len(r) == 2 && strings.HasPrefix(r[0], "Giám sát") {
			officers = append(officers, r[0]+": "+r[1])
		}
	}
	if joined := strings.Join(officers, "; "); !strings.Contains(joined, "Trực chỉ huy: Nguyễn Văn Đức") ||
		!strings.Contains(joined, "Trực ban: Trần Thị Hà") || !strings.Contains(joined, "Giám sát trực tuyến: Lê Minh Tuấn") {
		t.Fatalf("officers on duty in the summary: %q", summary)
	}

	resp, b = get(t, base+"&format=pdf", leader)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != dutyreport.ContentTypePDF || !bytes.HasPrefix(b, []byte("%PDF-")) ||
		resp.Header.Get("Content-Disposition") != `attachment; filename="bao-cao-truc-ban_cc-a_`+shift+`.pdf"` {
		t.Fatalf("pdf: %d %v %.100q", resp.StatusCode, resp.Header, b)
	}
	if resp, b := get(t, base+"&format=docx", duty); resp.StatusCode != 400 || !strings.Contains(string(b), "bad_request") {
		t.Fatalf("bad format: %d %s", resp.StatusCode, b)
	}
	if resp, _ := get(t, base+"&format=pdf", other); resp.StatusCode != 403 {
		t.Fatalf("another unit exports: %d", resp.StatusCode)
	}
	if resp, b := get(t, base, duty); resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || !strings.Contains(string(b), `"equipment":1`) {
		t.Fatalf("json default: %d %s", resp.StatusCode, b)
	}
}
