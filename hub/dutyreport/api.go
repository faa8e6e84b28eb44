package dutyreport

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/dutylog"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/roster/rosters"
)

// Content types of the duty report's downloads.
const (
	ContentTypePDF  = "application/pdf"
	ContentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// Log is the duty log a report is built from.
type Log interface {
	DailyReport(unit, shift string) (dutylog.Report, error)
	Now() time.Time
}

// Rosters reads the published rosters of a period.
type Rosters interface {
	Published(from, to time.Time) (*rosters.Set, error)
}

// Incidents lists the incidents of a unit's subtree open at an instant:
// opened before it and not closed by it. Assignee is a username.
type Incidents interface {
	OpenAt(unit string, at time.Time) ([]Incident, error)
}

// Names names accounts and units.
type Names interface {
	// DisplayName is an account's name, or its username.
	DisplayName(username string) string
	// UnitName is a unit's name, or its id.
	UnitName(id string) string
}

// Auditor records what a user did.
type Auditor interface {
	Record(r *http.Request, who audit.Actor, action, object, detail string)
}

// API serves the daily duty report.
type API struct {
	log       Log
	rosters   Rosters
	incidents Incidents
	names     Names
	scope     access.Scope
	units     dutylog.Units
	audit     Auditor
}

// APIParams build an API.
type APIParams struct {
	Log       Log
	Rosters   Rosters
	Incidents Incidents
	Names     Names
	Scope     access.Scope
	Units     dutylog.Units
	Audit     Auditor
}

// NewAPI returns the duty report API.
func NewAPI(p APIParams) *API {
	return &API{log: p.Log, rosters: p.Rosters, incidents: p.Incidents, names: p.Names, scope: p.Scope, units: p.Units, audit: p.Audit}
}

// Routes are the duty report's routes.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewUser("GET", "/api/v1/dutylog/report", access.DutyLogRead, "", "A unit's daily duty report (?unit=&shift=YYYY-MM-DD&format=json|pdf|xlsx)", a.report).WithBody(nil, dutylog.Report{}),
	}
}

// rosterRoleNames are the roster roles as a duty report names them.
var rosterRoleNames = map[string]string{
	"shift_leader":    "Trực chỉ huy",
	"division_leader": "Lãnh đạo phòng trực",
	"office":          "Trực ban",
	"surveillance":    "Giám sát trực tuyến",
}

// format reads ?format= (json, pdf or xlsx; default json).
func format(r *http.Request) (string, error) {
	f := strings.ToLower(r.URL.Query().Get("format"))
	switch f {
	case "", "json":
		return "json", nil
	case "pdf", "xlsx":
		return f, nil
	}
	return "", httpapi.BadRequest("format %q (json, pdf or xlsx)", f)
}

// report: a unit's daily duty report (?unit=&shift=YYYY-MM-DD&format=json|pdf|xlsx).
func (a *API) report(w http.ResponseWriter, r *http.Request) error {
	f, err := format(r)
	if err != nil {
		return err
	}
	u := auth.Caller(r)
	unit, err := dutylog.Unit(a.units, a.scope, u, access.DutyLogRead, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	shift := r.URL.Query().Get("shift")
	if shift == "" {
		shift = dutylog.Shift(a.log.Now())
	}
	rep, err := a.log.DailyReport(unit, shift)
	if err != nil {
		return err
	}
	if f == "json" {
		return httpapi.OK(w, rep)
	}
	doc, err := a.document(rep)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	ctype := ContentTypePDF
	if f == "xlsx" {
		ctype, err = ContentTypeXLSX, WriteXLSX(&buf, doc)
	} else {
		err = WritePDF(&buf, doc, PDFOptions{})
	}
	if err != nil {
		return err
	}
	a.audit.Record(r, u, "dutylog.export", rep.Unit+"/"+rep.Shift, f)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", doc.FileName()+"."+f))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// document assembles the printable report of a shift: the log's report,
// the officers the published roster had on duty, and the unit's incidents
// open at the end of the shift.
func (a *API) document(rep dutylog.Report) (Report, error) {
	doc := Report{Unit: rep.Unit, UnitName: a.names.UnitName(rep.Unit), Shift: rep.Shift, From: rep.From, To: rep.To, Generated: a.log.Now()}
	rs, err := a.rosters.Published(rep.From, rep.To)
	if err != nil {
		return doc, fmt.Errorf("on duty: %w", err)
	}
	seen := map[string]bool{}
	for _, at := range []time.Time{rep.From.Add(time.Minute), rep.From.Add(12 * time.Hour), rep.To.Add(-time.Minute)} {
		list, err := rs.OnDutyAt(rep.Unit, at)
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
				doc.Officers = append(doc.Officers, Officer{Role: role, Name: a.names.DisplayName(d.Officer)})
			}
		}
	}
	entry := func(e dutylog.Entry) Entry {
		return Entry{Time: e.Time, Kind: e.Kind, Text: e.Text, By: e.ByName, Open: e.Open, Closed: e.Closed}
	}
	for _, list := range rep.Entries {
		for _, e := range list {
			doc.Entries = append(doc.Entries, entry(e))
		}
	}
	slices.SortStableFunc(doc.Entries, func(a, b Entry) int { return a.Time.Compare(b.Time) })
	for _, e := range rep.Open {
		doc.Open = append(doc.Open, entry(e))
	}
	for _, ho := range slices.Backward(rep.Handovers) { // oldest first
		doc.Handovers = append(doc.Handovers, Handover{Time: ho.Created, From: ho.FromName, To: ho.ToName, Accepted: ho.Accepted,
			Summary: ho.Summary, OpenItems: len(ho.OpenItems), Note: ho.Note})
	}
	end := a.log.Now()
	if rep.To.Before(end) {
		end = rep.To
	}
	open, err := a.incidents.OpenAt(rep.Unit, rep.To)
	if err != nil {
		return doc, err
	}
	for _, in := range open {
		if in.Assignee != "" {
			in.Assignee = a.names.DisplayName(in.Assignee)
		}
		in.Overdue = end.After(in.Due)
		doc.Incidents = append(doc.Incidents, in)
	}
	return doc, nil
}
