package server

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/calendar"
	"fieldwatch/hub/samples"
	"fieldwatch/hub/watch"
)

// Random-sample tasks of continuous surveillance (issue 5, item 4).

// readSampleCSV takes the list from a text/csv body or the "file" part of
// a multipart form, within the size limit.
func readSampleCSV(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	body := http.MaxBytesReader(w, r.Body, samples.MaxBytes+64<<10)
	switch ct {
	case "text/csv", "text/plain", "application/csv":
		data, err := io.ReadAll(body)
		if err != nil {
			return nil, err
		}
		if len(data) > samples.MaxBytes {
			return nil, errTooLarge
		}
		return data, nil
	case "multipart/form-data":
		if params["boundary"] == "" {
			return nil, fmt.Errorf("%w: multipart without a boundary", errBadRequest)
		}
		r.Body = body
		if err := r.ParseMultipartForm(samples.MaxBytes); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: multipart: %v", errBadRequest, err)
		}
		f, _, err := r.FormFile("file")
		if err != nil {
			return nil, fmt.Errorf("%w: a part named file is needed", errBadRequest)
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, samples.MaxBytes+1))
		if err != nil {
			return nil, err
		}
		if len(data) > samples.MaxBytes {
			return nil, errTooLarge
		}
		return data, nil
	}
	return nil, fmt.Errorf("%w: send text/csv or multipart/form-data, got %q", errUnsupported, ct)
}

// handleImportSamples imports a list (?unit=&kind=declaration|vehicle&share=5
// &day=YYYY-MM-DD&name=&seed=), draws the share at random and gives the
// drawn items to the officers on duty now, round-robin.
func (h *Hub) handleImportSamples(w http.ResponseWriter, r *http.Request, u auth.User) {
	q := r.URL.Query()
	unit, ok := h.dutyUnit(w, r, u, access.SampleImport, q.Get("unit"))
	if !ok {
		return
	}
	share := 5.0
	if s := q.Get("share"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			writeError(w, r, h.log, fmt.Errorf("%w: share %q: a percentage", errBadRequest, s))
			return
		}
		share = v
	}
	var seed uint64
	if s := q.Get("seed"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil || v == 0 {
			writeError(w, r, h.log, fmt.Errorf("%w: seed %q: a positive integer", errBadRequest, s))
			return
		}
		seed = v
	}
	data, err := readSampleCSV(w, r)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	tab, err := samples.Decode(data)
	if err != nil {
		writeError(w, r, h.log, watchErr(err))
		return
	}
	now := h.watch.Now()
	officers, err := h.watchOfficers(unit, now)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if len(officers) == 0 {
		writeError(w, r, h.log, fmt.Errorf("%w: nobody of %s is on duty now per the published roster", errConflict, unit))
		return
	}
	day := q.Get("day")
	if day == "" {
		day = watch.ShiftOf(now, calendar.Zone)
	}
	l, err := h.samples.Add(samples.Import{Unit: unit, Day: day, Kind: q.Get("kind"), Name: q.Get("name"), By: u.Username,
		Share: share, Seed: seed, Table: tab, Officers: officers})
	if err != nil {
		writeError(w, r, h.log, watchErr(err))
		return
	}
	h.audit(r, u, "samples.import", l.ID, fmt.Sprintf("%s %s %s: %d items (%d refused), %.4g%% → %d tasks, seed %d, to %v",
		unit, l.Day, l.Kind, l.Items, l.BadRows, l.Share, len(l.Tasks), l.Seed, officers))
	writeJSON(w, http.StatusCreated, l)
}

// handleSamples lists sample lists: ?mine=1 those with a task of one's own,
// else a unit's (?unit=, default one's own; ?day=).
func (h *Hub) handleSamples(w http.ResponseWriter, r *http.Request, u auth.User) {
	q := r.URL.Query()
	if q.Get("mine") != "" {
		list, err := h.samples.Lists(func(l samples.List) bool {
			return access.Sees(h.units, u.Subject(), l.Unit) && slices.ContainsFunc(l.Tasks, func(t samples.Task) bool { return t.Officer == u.Username })
		})
		if err != nil {
			writeError(w, r, h.log, err)
			return
		}
		writeJSON(w, http.StatusOK, list)
		return
	}
	unit, ok := h.dutyUnit(w, r, u, access.WatchRead, q.Get("unit"))
	if !ok {
		return
	}
	day := q.Get("day")
	list, err := h.samples.Lists(func(l samples.List) bool { return h.units.Within(l.Unit, unit) && (day == "" || l.Day == day) })
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

// handleSampleDone closes a task with its result: the task's officer, or a
// duty officer of the unit for a colleague.
func (h *Hub) handleSampleDone(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req struct {
		Result string `json:"result"`
		Note   string `json:"note"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		writeError(w, r, h.log, fmt.Errorf("%w: task number", errBadRequest))
		return
	}
	var denied error
	l, err := h.samples.Finish(r.PathValue("id"), n, u.Username, req.Result, req.Note, func(l samples.List, t samples.Task) error {
		if err := access.AllowIn(h.units, u.Subject(), access.SampleWork, l.Unit); err != nil {
			denied = err
			return err
		}
		if t.Officer != u.Username && !u.HasRole(auth.RoleDuty) {
			denied = fmt.Errorf("%w: task %d is %s's", access.ErrDenied, t.N, t.Officer)
			return denied
		}
		return nil
	})
	if denied != nil {
		h.deny(w, r, u, denied)
		return
	}
	if err != nil {
		writeError(w, r, h.log, watchErr(err))
		return
	}
	t := l.Tasks[n-1]
	h.audit(r, u, "samples.done", fmt.Sprintf("%s#%d", l.ID, n), fmt.Sprintf("%s %s: %s %s", l.Unit, t.Fields[0], t.Result, clipText(t.Note)))
	writeJSON(w, http.StatusOK, l)
}
