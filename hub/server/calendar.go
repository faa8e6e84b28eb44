package server

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"fieldwatch/hub/auth"
	"fieldwatch/hub/calendar"
)

// handleCalendar lists a year's holidays, days off and worked weekend days (?year=).
func (h *Hub) handleCalendar(w http.ResponseWriter, r *http.Request, u auth.User) {
	year := time.Now().In(calendar.Zone).Year()
	if s := r.URL.Query().Get("year"); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || y < 1990 || y > 2100 {
			writeError(w, r, h.log, fmt.Errorf("%w: year 1990 to 2100", errBadRequest))
			return
		}
		year = y
	}
	days := h.calendar.Holidays(year)
	out := make([]map[string]string, 0, len(days))
	for _, d := range days {
		out = append(out, map[string]string{"date": d.Date.Format(time.DateOnly), "kind": d.Kind, "name": d.Name, "source": d.Source})
	}
	writeJSON(w, http.StatusOK, map[string]any{"year": year, "days": out})
}

// handleCalendarSet enters an announced day off or working day.
func (h *Hub) handleCalendarSet(w http.ResponseWriter, r *http.Request, u auth.User) {
	var req struct {
		Off    bool   `json:"off"`
		Name   string `json:"name"`
		Source string `json:"source"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	o := calendar.Override{Date: r.PathValue("date"), Off: req.Off, Name: req.Name, Source: req.Source}
	if o.Source == "" {
		o.Source = u.Username
	}
	if err := h.calendar.Set(o); err != nil {
		writeError(w, r, h.log, fmt.Errorf("%w: %v", errBadRequest, err))
		return
	}
	h.audit(r, u, "calendar.set", o.Date, fmt.Sprintf("off=%v %s (%s)", o.Off, o.Name, o.Source))
	writeJSON(w, http.StatusOK, h.calendar.Kind(mustDay(o.Date)))
}

// handleCalendarUnset removes an entered override.
func (h *Hub) handleCalendarUnset(w http.ResponseWriter, r *http.Request, u auth.User) {
	date := r.PathValue("date")
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		writeError(w, r, h.log, fmt.Errorf("%w: date YYYY-MM-DD", errBadRequest))
		return
	}
	if err := h.calendar.Unset(date); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.audit(r, u, "calendar.unset", date, "")
	writeJSON(w, http.StatusOK, h.calendar.Kind(mustDay(date)))
}

func mustDay(s string) time.Time {
	d, _ := time.ParseInLocation(time.DateOnly, s, calendar.Zone)
	return d
}
