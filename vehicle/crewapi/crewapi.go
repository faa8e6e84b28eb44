// Package crewapi is the vehicle node's web surface on the vehicle's LAN:
// the crew app (mobile/) and the small JSON API it uses when the crew's
// phone or tablet is on the vehicle's Wi-Fi, which works with the hub out
// of reach. Crew members log in with the vehicle's crew passcode and their
// name (the name goes on their receipts); failed logins back off.
package crewapi

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"fieldwatch/mobile"
	"fieldwatch/vehicle/mailbox"
)

// Status is what the crew app shows about the vehicle.
type Status struct {
	Vehicle string `json:"vehicle"`
	Online  bool   `json:"online"` // the control channel to the hub is up
	Backlog int    `json:"backlog"`
}

// Params configure the API.
type Params struct {
	Vehicle  string
	Passcode string
	Mailbox  *mailbox.Mailbox
	Status   func() Status
	// Position is the vehicle's GPS, put on reports written without one. Optional.
	Position func() (lat, lon float64, ok bool)
	Logger   *slog.Logger
	// SessionTTL: default 12 h.
	SessionTTL time.Duration
}

// API serves the crew app and its API; it is an http.Handler.
type API struct {
	p   Params
	log *slog.Logger
	mux *http.ServeMux

	mu       sync.Mutex
	sessions map[string]session
	failures int
	until    time.Time
}

type session struct {
	name    string
	expires time.Time
}

const cookieName = "fieldwatch_crew"

// New returns the API.
func New(p Params) *API {
	if p.SessionTTL <= 0 {
		p.SessionTTL = 12 * time.Hour
	}
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	a := &API{p: p, log: p.Logger.With("component", "crewapi"), mux: http.NewServeMux(), sessions: map[string]session{}}
	a.mux.HandleFunc("GET /api/v1/crew/info", a.info)
	a.mux.HandleFunc("POST /api/v1/crew/login", a.login)
	a.mux.HandleFunc("POST /api/v1/crew/reports", a.auth(a.report))
	a.mux.HandleFunc("POST /api/v1/crew/photos", a.auth(a.photo))
	a.mux.HandleFunc("GET /api/v1/crew/status", a.auth(a.status))
	a.mux.HandleFunc("GET /api/v1/crew/instructions", a.auth(a.instructions))
	a.mux.HandleFunc("POST /api/v1/crew/instructions/{id}/receipt", a.auth(a.receipt))
	a.mux.HandleFunc("GET /api/v1/crew/missions", a.auth(a.missions))
	a.mux.HandleFunc("POST /api/v1/crew/missions/{id}/close", a.auth(a.closeMission))
	a.mux.Handle("GET /m/", mobile.Handler())
	a.mux.Handle("GET /{$}", http.RedirectHandler("/m/", http.StatusFound))
	return a
}

// ServeHTTP implements http.Handler.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	a.mux.ServeHTTP(w, r)
}

// info tells the crew app it runs on a vehicle (the hub has no such route).
func (a *API) info(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"mode": "vehicle", "vehicle": a.p.Vehicle})
}

// report queues a crew report for the hub: text, position (the vehicle's
// when the phone gives none) and photos uploaded to the vehicle first.
func (a *API) report(w http.ResponseWriter, r *http.Request, name string) {
	var req mailbox.Report
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 32<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "want {\"client_id\",\"title\",\"text\",\"action\",\"lat\",\"lon\",\"photos\"}")
		return
	}
	req.By = name
	if req.Lat == nil && a.p.Position != nil {
		if lat, lon, ok := a.p.Position(); ok {
			req.Lat, req.Lon = &lat, &lon
		}
	}
	if err := a.p.Mailbox.QueueReport(req); err != nil {
		if errors.Is(err, mailbox.ErrReport) {
			writeError(w, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
		a.log.Error("report", "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"queued": true, "client_id": req.ClientID})
}

// photo keeps a photo (the raw image body) on the vehicle until it is
// uploaded to the hub; the answer's id goes in the report's photos.
func (a *API) photo(w http.ResponseWriter, r *http.Request, _ string) {
	id, err := a.p.Mailbox.PutPhoto(http.MaxBytesReader(w, r.Body, mailbox.MaxPhoto+1))
	switch {
	case errors.Is(err, mailbox.ErrPhoto):
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", err.Error())
	case err != nil:
		a.log.Error("photo", "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
	default:
		writeJSON(w, http.StatusCreated, map[string]any{"id": id})
	}
}

func (a *API) login(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name     string `json:"name"`
		Passcode string `json:"passcode"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "want {\"name\", \"passcode\"}")
		return
	}
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" || utf8.RuneCountInString(req.Name) > 80 {
		writeError(w, http.StatusBadRequest, "bad_request", "give your name (at most 80 characters)")
		return
	}
	now := time.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	if now.Before(a.until) {
		writeError(w, http.StatusTooManyRequests, "locked", "too many wrong passcodes, try again later")
		return
	}
	if a.p.Passcode == "" || subtle.ConstantTimeCompare([]byte(req.Passcode), []byte(a.p.Passcode)) != 1 {
		a.failures++
		if a.failures%5 == 0 {
			a.until = now.Add(min(30*time.Second<<min(a.failures/5-1, 5), 15*time.Minute))
		}
		a.log.Warn("crew login failed", "name", req.Name, "ip", r.RemoteAddr)
		writeError(w, http.StatusUnauthorized, "bad_credentials", "wrong passcode")
		return
	}
	a.failures = 0
	var b [32]byte
	_, _ = rand.Read(b[:])
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	a.sessions[tok] = session{name: req.Name, expires: now.Add(a.p.SessionTTL)}
	a.log.Info("crew login", "name", req.Name, "ip", r.RemoteAddr)
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: tok, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Expires: now.Add(a.p.SessionTTL)})
	writeJSON(w, http.StatusOK, map[string]any{"token": tok, "name": req.Name, "vehicle": a.p.Vehicle})
}

// auth lets in a logged-in crew member and passes their name on.
func (a *API) auth(next func(w http.ResponseWriter, r *http.Request, name string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := ""
		if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
			tok = strings.TrimSpace(h[7:])
		} else if c, err := r.Cookie(cookieName); err == nil {
			tok = c.Value
		}
		a.mu.Lock()
		s, ok := a.sessions[tok]
		if ok && time.Now().After(s.expires) {
			delete(a.sessions, tok)
			ok = false
		}
		a.mu.Unlock()
		if !ok {
			writeError(w, http.StatusUnauthorized, "unauthenticated", "log in with the vehicle's crew passcode")
			return
		}
		next(w, r, s.name)
	}
}

func (a *API) status(w http.ResponseWriter, r *http.Request, _ string) {
	st := Status{Vehicle: a.p.Vehicle, Backlog: a.p.Mailbox.Backlog()}
	if a.p.Status != nil {
		st = a.p.Status()
	}
	writeJSON(w, http.StatusOK, st)
}

func (a *API) instructions(w http.ResponseWriter, r *http.Request, _ string) {
	list, err := a.p.Mailbox.Instructions()
	if err != nil {
		a.log.Error("instructions", "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
		return
	}
	if list == nil {
		list = []mailbox.Instruction{}
	}
	writeJSON(w, http.StatusOK, list)
}

func (a *API) receipt(w http.ResponseWriter, r *http.Request, name string) {
	var req struct {
		State string `json:"state"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "want {\"state\": \"read\"|\"acknowledged\"}")
		return
	}
	in, err := a.p.Mailbox.Mark(r.PathValue("id"), req.State, name)
	switch {
	case errors.Is(err, mailbox.ErrUnknown):
		writeError(w, http.StatusNotFound, "not_found", err.Error())
	case errors.Is(err, mailbox.ErrState):
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
	case err != nil:
		a.log.Error("receipt", "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
	default:
		writeJSON(w, http.StatusOK, in)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": fmt.Sprint(msg)}})
}
