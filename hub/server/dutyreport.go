package server

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"fieldwatch/hub/auth"
	"fieldwatch/hub/dutylog"
	"fieldwatch/hub/dutyreport"
	"fieldwatch/hub/incidents"
)

// Content types of the duty report's downloads.
const (
	ctPDF  = "application/pdf"
	ctXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// rosterRoleNames are the roster roles as a duty report names them.
var rosterRoleNames = map[string]string{
	"shift_leader":    "Trực chỉ huy",
	"division_leader": "Lãnh đạo phòng trực",
	"office":          "Trực ban",
	"surveillance":    "Giám sát trực tuyến",
}

// reportFormat reads ?format= (json, pdf or xlsx; default json).
func reportFormat(r *http.Request) (string, error) {
	f := strings.ToLower(r.URL.Query().Get("format"))
	switch f {
	case "", "json":
		return "json", nil
	case "pdf", "xlsx":
		return f, nil
	}
	return "", fmt.Errorf("%w: format %q (json, pdf or xlsx)", errBadRequest, f)
}

// displayName is an account's name, or its username when it has none or is unknown.
func (h *Hub) displayName(username string) string {
	if a, err := h.auth.User(username); err == nil && a.Name != "" {
		return a.Name
	}
	return username
}

// dutyDocument assembles the printable report of a shift: the log's
// report, the officers the published roster had on duty, and the unit's
// incidents open at the end of the shift.
func (h *Hub) dutyDocument(rep dutylog.Report) (dutyreport.Report, error) {
	doc := dutyreport.Report{Unit: rep.Unit, UnitName: h.unitName(rep.Unit), Shift: rep.Shift, From: rep.From, To: rep.To, Generated: h.dutylog.Now()}
	rs, err := h.publishedRosters(rep.From, rep.To)
	if err != nil {
		return doc, fmt.Errorf("on duty: %w", err)
	}
	seen := map[string]bool{}
	for _, at := range []time.Time{rep.From.Add(time.Minute), rep.From.Add(12 * time.Hour), rep.To.Add(-time.Minute)} {
		list, err := rs.onDutyAt(rep.Unit, at)
		if err != nil {
			return doc, fmt.Errorf("on duty: %w", err)
		}
		for _, d := range list {
			if key := d.Role + "/" + d.Officer; !seen[key] {
				seen[key] = true
				role := rosterRoleNames[d.Role]
				if role == "" {
					role = d.Role
				}
				doc.Officers = append(doc.Officers, dutyreport.Officer{Role: role, Name: h.displayName(d.Officer)})
			}
		}
	}
	entry := func(e dutylog.Entry) dutyreport.Entry {
		return dutyreport.Entry{Time: e.Time, Kind: e.Kind, Text: e.Text, By: e.ByName, Open: e.Open, Closed: e.Closed}
	}
	for _, list := range rep.Entries {
		for _, e := range list {
			doc.Entries = append(doc.Entries, entry(e))
		}
	}
	slices.SortStableFunc(doc.Entries, func(a, b dutyreport.Entry) int { return a.Time.Compare(b.Time) })
	for _, e := range rep.Open {
		doc.Open = append(doc.Open, entry(e))
	}
	for _, ho := range slices.Backward(rep.Handovers) { // oldest first
		doc.Handovers = append(doc.Handovers, dutyreport.Handover{Time: ho.Created, From: ho.FromName, To: ho.ToName, Accepted: ho.Accepted,
			Summary: ho.Summary, OpenItems: len(ho.OpenItems), Note: ho.Note})
	}
	end := h.dutylog.Now()
	if rep.To.Before(end) {
		end = rep.To
	}
	open, err := h.incidents.List(func(in *incidents.Incident) bool {
		return h.units.Within(in.Unit, rep.Unit) && in.Opened.Before(rep.To) && (in.Closed.IsZero() || in.Closed.After(rep.To))
	})
	if err != nil {
		return doc, err
	}
	for _, in := range open {
		where := strings.Trim(in.Vehicle+" / "+in.Camera, " /")
		assignee := ""
		if in.Assignee != "" {
			assignee = h.displayName(in.Assignee)
		}
		doc.Incidents = append(doc.Incidents, dutyreport.Incident{Title: in.Title, Kind: in.Kind, Where: where, Opened: in.Opened, Due: in.Due,
			Assignee: assignee, Overdue: end.After(in.Due)})
	}
	return doc, nil
}

// writeDutyDocument answers with the report as a PDF or XLSX download.
func (h *Hub) writeDutyDocument(w http.ResponseWriter, r *http.Request, u auth.User, rep dutylog.Report, format string) {
	doc, err := h.dutyDocument(rep)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	var buf bytes.Buffer
	ctype := ctPDF
	if format == "xlsx" {
		ctype, err = ctXLSX, dutyreport.WriteXLSX(&buf, doc)
	} else {
		err = dutyreport.WritePDF(&buf, doc, dutyreport.PDFOptions{})
	}
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "dutylog.export", rep.Unit+"/"+rep.Shift, format)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", doc.FileName()+"."+format))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}
