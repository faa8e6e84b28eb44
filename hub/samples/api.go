package samples

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/units"
	"fieldwatch/hub/watch"
	"fieldwatch/internal/vntime"
)

// Units is the unit tree.
type Units interface {
	access.Tree
	Get(id string) (units.Unit, bool)
}

// Officers tells who takes surveillance work in a unit's subtree at an
// instant (the surveillance officers on duty, else the duty officers, else
// whoever is on duty).
type Officers interface {
	Officers(unit string, at time.Time) ([]string, error)
}

// Auditor records who did what.
type Auditor interface {
	Record(r *http.Request, who audit.Actor, action, object, detail string)
}

// APIParams is what the samples' HTTP handlers need.
type APIParams struct {
	Store    *Store
	Units    Units
	Officers Officers
	Audit    Auditor
	// Now is the clock; nil = the store's.
	Now func() time.Time
}

// API serves random-sample lists and their tasks.
type API struct {
	store    *Store
	units    Units
	officers Officers
	audit    Auditor
	now      func() time.Time
}

// NewAPI builds the handlers.
func NewAPI(p APIParams) *API {
	if p.Now == nil {
		p.Now = p.Store.Now
	}
	return &API{store: p.Store, units: p.Units, officers: p.Officers, audit: p.Audit, now: p.Now}
}

// DoneRequest closes a task.
type DoneRequest struct {
	Result string `json:"result"`
	Note   string `json:"note"`
}

// Routes are the samples' routes.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewUser("GET", "/api/v1/samples", access.WatchRead, "", "Random-sample lists (?mine=1: with tasks of mine; else ?unit=&day=)", a.handleLists).
			WithBody(nil, []List{}),
		httpapi.NewUser("POST", "/api/v1/samples", access.SampleImport, "", "Import a list (text/csv body or multipart file; ?unit=&kind=declaration|vehicle&share=5&day=&name=&seed=): draw the share, tasks round-robin to the officers on duty", a.handleImport).
			Accepts("text/csv").WithBody(nil, List{}).ReadFor(2 * time.Minute),
		httpapi.NewUser("POST", "/api/v1/samples/{id}/tasks/{n}/done", access.SampleWork, "", "Close a sample task {result: no_finding|suspicious, note}", a.handleDone).
			WithBody(DoneRequest{}, List{}),
	}
}

// unit resolves the unit a request is about (empty: the caller's own) and
// checks the caller may take action act there.
func (a *API) unit(u auth.User, act access.Action, unit string) (string, error) {
	if unit == "" {
		unit = u.Unit
	}
	if _, ok := a.units.Get(unit); !ok {
		return "", fmt.Errorf("%w: unit %q", ErrUnknown, unit)
	}
	if err := access.AllowIn(a.units, u.Subject(), act, unit); err != nil {
		return "", err
	}
	return unit, nil
}

// readCSV takes the list from a text/csv body or the "file" part of a
// multipart form, within the size limit.
func readCSV(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	body := http.MaxBytesReader(w, r.Body, MaxBytes+64<<10)
	switch ct {
	case "text/csv", "text/plain", "application/csv":
		data, err := io.ReadAll(body)
		if err != nil {
			return nil, err
		}
		if len(data) > MaxBytes {
			return nil, httpapi.ErrTooLarge
		}
		return data, nil
	case "multipart/form-data":
		if params["boundary"] == "" {
			return nil, fmt.Errorf("%w: multipart without a boundary", ErrInvalid)
		}
		r.Body = body
		if err := r.ParseMultipartForm(MaxBytes); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: multipart: %v", ErrInvalid, err)
		}
		f, _, err := r.FormFile("file")
		if err != nil {
			return nil, fmt.Errorf("%w: a part named file is needed", ErrInvalid)
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
		if err != nil {
			return nil, err
		}
		if len(data) > MaxBytes {
			return nil, httpapi.ErrTooLarge
		}
		return data, nil
	}
	return nil, fmt.Errorf("%w: send text/csv or multipart/form-data, got %q", httpapi.ErrUnsupported, ct)
}

// handleImport imports a list (?unit=&kind=declaration|vehicle&share=5
// &day=YYYY-MM-DD&name=&seed=), draws the share at random and gives the
// drawn items to the officers on duty now, round-robin.
func (a *API) handleImport(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	q := r.URL.Query()
	unit, err := a.unit(u, access.SampleImport, q.Get("unit"))
	if err != nil {
		return err
	}
	share := 5.0
	if s := q.Get("share"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%w: share %q: a percentage", ErrInvalid, s)
		}
		share = v
	}
	var seed uint64
	if s := q.Get("seed"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil || v == 0 {
			return fmt.Errorf("%w: seed %q: a positive integer", ErrInvalid, s)
		}
		seed = v
	}
	data, err := readCSV(w, r)
	if err != nil {
		return err
	}
	tab, err := Decode(data)
	if err != nil {
		return err
	}
	now := a.now()
	officers, err := a.officers.Officers(unit, now)
	if err != nil {
		return err
	}
	if len(officers) == 0 {
		return fmt.Errorf("%w: nobody of %s is on duty now per the published roster", ErrConflict, unit)
	}
	day := q.Get("day")
	if day == "" {
		day = watch.ShiftOf(now, vntime.Zone)
	}
	l, err := a.store.Add(Import{Unit: unit, Day: day, Kind: q.Get("kind"), Name: q.Get("name"), By: u.Username,
		Share: share, Seed: seed, Table: tab, Officers: officers})
	if err != nil {
		return err
	}
	a.audit.Record(r, u, "samples.import", l.ID, fmt.Sprintf("%s %s %s: %d items (%d refused), %.4g%% → %d tasks, seed %d, to %v",
		unit, l.Day, l.Kind, l.Items, l.BadRows, l.Share, len(l.Tasks), l.Seed, officers))
	return httpapi.Created(w, l)
}

// handleLists lists sample lists: ?mine=1 those with a task of one's own,
// else a unit's (?unit=, default one's own; ?day=).
func (a *API) handleLists(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	q := r.URL.Query()
	if q.Get("mine") != "" {
		list, err := a.store.Lists(func(l List) bool {
			return access.Sees(a.units, u.Subject(), l.Unit) && slices.ContainsFunc(l.Tasks, func(t Task) bool { return t.Officer == u.Username })
		})
		if err != nil {
			return err
		}
		return httpapi.OK(w, list)
	}
	unit, err := a.unit(u, access.WatchRead, q.Get("unit"))
	if err != nil {
		return err
	}
	day := q.Get("day")
	list, err := a.store.Lists(func(l List) bool { return a.units.Within(l.Unit, unit) && (day == "" || l.Day == day) })
	if err != nil {
		return err
	}
	return httpapi.OK(w, list)
}

// handleDone closes a task with its result: the task's officer, or a duty
// officer of the unit for a colleague.
func (a *API) handleDone(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	var req DoneRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		return fmt.Errorf("%w: task number", ErrInvalid)
	}
	l, err := a.store.Finish(r.PathValue("id"), n, u.Username, req.Result, req.Note, func(l List, t Task) error {
		if err := access.AllowIn(a.units, u.Subject(), access.SampleWork, l.Unit); err != nil {
			return err
		}
		if t.Officer != u.Username && !u.HasRole(auth.RoleDuty) {
			return fmt.Errorf("%w: task %d is %s's", access.ErrDenied, t.N, t.Officer)
		}
		return nil
	})
	if err != nil {
		return err
	}
	t := l.Tasks[n-1]
	a.audit.Record(r, u, "samples.done", fmt.Sprintf("%s#%d", l.ID, n), fmt.Sprintf("%s %s: %s %s", l.Unit, t.Fields[0], t.Result, audit.Clip(t.Note)))
	return httpapi.OK(w, l)
}
