package watch

import (
	"fmt"
	"net/http"
	"strings"

	"fieldwatch/hub/access"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/httpapi"
)

// GroupView is a group with its cameras as the fleet stands now.
type GroupView struct {
	Group
	Cameras []CameraRef `json:"cameras"`
}

// GroupRequest creates or replaces a group.
type GroupRequest struct {
	Unit    string   `json:"unit"`
	Name    string   `json:"name"`
	Members []Member `json:"members"`
}

func (a *API) viewGroup(g Group, vs []fleet.Vehicle) GroupView {
	cams := Resolve(g, vs, a.units.Within)
	if cams == nil {
		cams = []CameraRef{}
	}
	return GroupView{Group: g, Cameras: cams}
}

// handleGroups lists the groups of a unit's subtree (?unit=, default one's own).
func (a *API) handleGroups(w http.ResponseWriter, r *http.Request) error {
	unit, err := a.unit(auth.Caller(r), access.WatchRead, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	vs, _, err := a.Fleet()
	if err != nil {
		return err
	}
	gs, err := a.store.Groups(func(g Group) bool { return a.units.Within(g.Unit, unit) })
	if err != nil {
		return err
	}
	out := []GroupView{}
	for _, g := range gs {
		out = append(out, a.viewGroup(g, vs))
	}
	return httpapi.OK(w, out)
}

// checkMembers: every vehicle and unit a group names lies in the group's unit.
func (a *API) checkMembers(g Group) error {
	for i, m := range g.Members {
		switch m.Kind {
		case MemberUnit:
			if _, ok := a.units.Get(m.Unit); !ok || !a.units.Within(m.Unit, g.Unit) {
				return fmt.Errorf("%w: member %d: unit %q is not in %s", ErrInvalid, i+1, m.Unit, g.Unit)
			}
		default:
			v, err := a.fleet.Get(m.Vehicle)
			if err != nil || !a.units.Within(v.Unit, g.Unit) {
				return fmt.Errorf("%w: member %d: vehicle %q is not in %s", ErrInvalid, i+1, m.Vehicle, g.Unit)
			}
			if _, ok := v.Camera(m.Camera); m.Kind == MemberCamera && !ok {
				return fmt.Errorf("%w: member %d: vehicle %s has no camera %q", ErrInvalid, i+1, m.Vehicle, m.Camera)
			}
		}
	}
	return nil
}

// handlePutGroup creates (POST) or replaces (PUT /{id}) a group.
func (a *API) handlePutGroup(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	var req GroupRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	g := Group{Unit: req.Unit, Name: strings.TrimSpace(req.Name), Members: req.Members, By: u.Username}
	if id := r.PathValue("id"); id != "" {
		old, err := a.store.Group(id)
		if err != nil {
			return err
		}
		if err := access.AllowIn(a.units, u.Subject(), access.WatchWrite, old.Unit); err != nil {
			return err
		}
		g.ID, g.Created = old.ID, old.Created
		if g.Unit == "" {
			g.Unit = old.Unit
		}
	}
	unit, err := a.unit(u, access.WatchWrite, g.Unit)
	if err != nil {
		return err
	}
	g.Unit = unit
	if err := g.Validate(); err != nil {
		return err
	}
	if err := a.checkMembers(g); err != nil {
		return err
	}
	if g, err = a.store.PutGroup(g); err != nil {
		return err
	}
	vs, _, err := a.Fleet()
	if err != nil {
		return err
	}
	view := a.viewGroup(g, vs)
	a.audit.Record(r, u, "watch.group.put", g.ID, fmt.Sprintf("%s %q: %d members, %d cameras", g.Unit, g.Name, len(g.Members), len(view.Cameras)))
	if r.PathValue("id") == "" {
		return httpapi.Created(w, view)
	}
	return httpapi.OK(w, view)
}

func (a *API) handleDeleteGroup(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	g, err := a.store.Group(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := access.AllowIn(a.units, u.Subject(), access.WatchWrite, g.Unit); err != nil {
		return err
	}
	if err := a.store.DeleteGroup(g.ID, u.Username); err != nil {
		return err
	}
	a.audit.Record(r, u, "watch.group.delete", g.ID, fmt.Sprintf("%s %q", g.Unit, g.Name))
	return httpapi.OK(w, Deleted{Deleted: g.ID})
}
