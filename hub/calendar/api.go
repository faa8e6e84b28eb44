package calendar

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
)

// Auditor records what a user did.
type Auditor interface {
	Record(r *http.Request, who audit.Actor, action, object, detail string)
}

// APIParams is what the calendar's handlers need.
type APIParams struct {
	Calendar *Calendar
	Audit    Auditor
	Now      func() time.Time
}

// API serves the working-day calendar.
type API struct{ p APIParams }

// NewAPI returns the calendar's handlers.
func NewAPI(p APIParams) *API {
	if p.Now == nil {
		p.Now = time.Now
	}
	return &API{p: p}
}

// Routes are the calendar's routes.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewUser("GET", "/api/v1/calendar", access.UnitsView, "", "Working-day calendar: a year's holidays, days off and worked weekend days (?year=)", a.year).
			WithBody(nil, YearView{}),
		httpapi.NewUser("PUT", "/api/v1/calendar/{date}", access.UnitsAdmin, "", "Enter an announced day off or working day (administrator)", a.set).
			WithBody(SetRequest{}, Day{}),
		httpapi.NewUser("DELETE", "/api/v1/calendar/{date}", access.UnitsAdmin, "", "Remove an entered day off or working day (administrator)", a.unset).
			WithBody(nil, Day{}),
	}
}

// YearView is a year's days that are not ordinary working days or weekends.
type YearView struct {
	Days []DayView `json:"days"`
	Year int       `json:"year"`
}

// DayView is one such day (date YYYY-MM-DD).
type DayView struct {
	Date   string `json:"date"`
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Source string `json:"source"`
}

// year lists a year's holidays, days off and worked weekend days (?year=).
func (a *API) year(w http.ResponseWriter, r *http.Request) error {
	year := a.p.Now().In(Zone).Year()
	if s := r.URL.Query().Get("year"); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || y < 1990 || y > 2100 {
			return httpapi.BadRequest("year 1990 to 2100")
		}
		year = y
	}
	days := a.p.Calendar.Holidays(year)
	out := make([]DayView, 0, len(days))
	for _, d := range days {
		out = append(out, DayView{Date: d.Date.Format(time.DateOnly), Kind: d.Kind, Name: d.Name, Source: d.Source})
	}
	return httpapi.OK(w, YearView{Year: year, Days: out})
}

// SetRequest enters an announced day off (Off) or working day.
type SetRequest struct {
	Off    bool   `json:"off"`
	Name   string `json:"name"`
	Source string `json:"source"`
}

// set enters an announced day off or working day; without a source, the
// administrator who entered it is the source.
func (a *API) set(w http.ResponseWriter, r *http.Request) error {
	u := auth.Caller(r)
	var req SetRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	o := Override{Date: r.PathValue("date"), Off: req.Off, Name: req.Name, Source: req.Source}
	if o.Source == "" {
		o.Source = u.Username
	}
	if err := a.p.Calendar.Set(o, u.Username); err != nil {
		return httpapi.BadRequest("%v", err)
	}
	a.p.Audit.Record(r, u, "calendar.set", o.Date, fmt.Sprintf("off=%v %s (%s)", o.Off, o.Name, o.Source))
	return httpapi.OK(w, a.p.Calendar.Kind(midnight(o.Date)))
}

// unset removes an entered override.
func (a *API) unset(w http.ResponseWriter, r *http.Request) error {
	date := r.PathValue("date")
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return httpapi.BadRequest("date YYYY-MM-DD")
	}
	u := auth.Caller(r)
	if err := a.p.Calendar.Unset(date, u.Username); err != nil {
		return err
	}
	a.p.Audit.Record(r, u, "calendar.unset", date, "")
	return httpapi.OK(w, a.p.Calendar.Kind(midnight(date)))
}

// midnight is a valid YYYY-MM-DD date as midnight Vietnam time.
func midnight(s string) time.Time {
	d, _ := time.ParseInLocation(time.DateOnly, s, Zone)
	return d
}
