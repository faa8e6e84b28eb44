package reports

import (
	"io"
	"net/http"
	"slices"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
)

// uploadPhoto stores a photo (JPEG, PNG or WebP body) for a report.
func (a *API) uploadPhoto(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	p, err := a.p.Photos.Put(r.Body, u.Username, u.Unit)
	if err != nil {
		return err
	}
	return httpapi.Created(w, p)
}

// photo serves a photo to those who see the unit it came from, or a report
// that carries it.
func (a *API) photo(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	p, err := a.p.Photos.Get(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := a.p.Scope.AllowIn(u.Subject(), access.ReportRead, p.Unit); err != nil && !a.photoInVisibleReport(u, p.ID) {
		return err
	}
	f, err := a.p.Photos.Open(p.ID)
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", p.Type)
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	_, _ = io.Copy(w, f)
	return nil
}

// photoInVisibleReport reports whether a report u may read carries the
// photo (a photo belongs to its uploader's unit; a report may belong to a
// unit below it, whose leaders must see its photos).
func (a *API) photoInVisibleReport(u auth.User, id string) bool {
	list, err := a.p.Reports.List(func(rep *Report) bool {
		return slices.Contains(rep.Photos, id) && a.p.Scope.Sees(u.Subject(), rep.Unit)
	}, 1)
	return err == nil && len(list) > 0
}
