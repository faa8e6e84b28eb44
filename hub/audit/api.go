package audit

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/httpapi"
)

// APIParams is what the audit log's handlers need.
type APIParams struct {
	Log *Log
	// Caller is the logged-in user who asks.
	Caller func(*http.Request) Actor
}

// API serves the audit log's search and export.
type API struct{ p APIParams }

// NewAPI returns the audit log's handlers.
func NewAPI(p APIParams) *API { return &API{p: p} }

// Routes are the audit log's routes.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewUser("GET", "/api/v1/audit", access.AuditRead, "", "Audit log search (administrator)", a.search).
			WithBody(nil, SearchResult{}),
		httpapi.NewUser("GET", "/api/v1/audit/export", access.AuditRead, "", "Audit log export as JSON lines, with the chain's check (administrator)", a.export).
			Returns("application/x-ndjson"),
	}
}

// SearchResult is what a search finds, newest first, and whether the
// whole chain verifies.
type SearchResult struct {
	ChainOK bool     `json:"chain_ok"`
	Records []Record `json:"records"`
}

// search selects records by user, action and object prefix, time range
// (RFC 3339) and limit (1 to 5000).
func (a *API) search(w http.ResponseWriter, r *http.Request) error {
	q := Query{User: r.URL.Query().Get("user"), Action: r.URL.Query().Get("action"), Object: r.URL.Query().Get("object")}
	for _, b := range []struct {
		name string
		dst  *time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		if s := r.URL.Query().Get(b.name); s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return httpapi.BadRequest("%s must be an RFC 3339 time", b.name)
			}
			*b.dst = t
		}
	}
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 5000 {
			return httpapi.BadRequest("limit must be 1 to 5000")
		}
		q.Limit = n
	}
	recs, err := a.p.Log.Search(q)
	if err != nil {
		return err
	}
	if recs == nil {
		recs = []Record{}
	}
	return httpapi.OK(w, SearchResult{Records: recs, ChainOK: a.p.Log.Verify() == nil})
}

// ExportCheck is the export's last line: whether the chain verifies.
type ExportCheck struct {
	ChainOK bool   `json:"chain_ok"`
	Error   string `json:"error,omitempty"`
}

// export streams the whole audit log as JSON lines, followed by a line
// with the chain's check, for an administrator to keep or hand over.
func (a *API) export(w http.ResponseWriter, r *http.Request) error {
	a.p.Log.Record(r, a.p.Caller(r), "audit.export", "audit", "")
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Content-Disposition", `attachment; filename="audit.jsonl"`)
	enc := json.NewEncoder(w)
	err := a.p.Log.Each(func(rec any) error { return enc.Encode(rec) })
	verr := a.p.Log.Verify()
	check := ExportCheck{ChainOK: err == nil && verr == nil}
	if verr != nil {
		check.Error = verr.Error()
	}
	_ = enc.Encode(check)
	return nil
}
