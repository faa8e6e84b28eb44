package server

import (
	"net/http"
	"time"

	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/calendar"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/units"
)

// accountsRoutes: the routes of accounts, sessions, vehicle credentials,
// units, the calendar and the audit log.
func (h *Hub) accountsRoutes() []httpapi.Route {
	var rs []httpapi.Route
	rs = append(rs, auth.NewAPI(auth.APIParams{Service: h.auth, Units: h.units, Audit: h.auditLog, Links: h.control,
		SecureCookie: h.TLS(), Logger: h.log}).Routes()...)
	rs = append(rs, units.NewAPI(units.APIParams{Tree: h.units, Audit: h.auditLog,
		Caller:    func(r *http.Request) units.Caller { return auth.Caller(r) },
		Occupants: []units.Occupant{h.accountOf, h.vehicleOf}}).Routes()...)
	rs = append(rs, calendar.NewAPI(calendar.APIParams{Calendar: h.calendar, Audit: h.auditLog, Now: time.Now}).Routes()...)
	rs = append(rs, audit.NewAPI(audit.APIParams{Log: h.auditLog,
		Caller: func(r *http.Request) audit.Actor { return auth.Caller(r) }}).Routes()...)
	return rs
}

// accountOf names an account that still belongs to unit ("" for none).
func (h *Hub) accountOf(unit string) (string, error) {
	users, err := h.auth.Users()
	if err != nil {
		return "", err
	}
	for _, a := range users {
		if a.Unit == unit && !a.Retired {
			return "account " + a.Username, nil
		}
	}
	return "", nil
}

// vehicleOf names a vehicle that still belongs to unit ("" for none).
func (h *Hub) vehicleOf(unit string) (string, error) {
	vehicles, err := h.fleet.List()
	if err != nil {
		return "", err
	}
	for _, v := range vehicles {
		if v.Unit == unit {
			return "vehicle " + v.ID, nil
		}
	}
	return "", nil
}
