package server

import (
	"fmt"
	"net/http"
	"strings"

	"fieldwatch/hub/auth"
	"fieldwatch/hub/relay"
)

// Content types of WHIP/WHEP (RFC 9725) and trickle ICE fragments (RFC 8840).
const (
	ctSDP     = "application/sdp"
	ctSDPFrag = "application/trickle-ice-sdpfrag"
)

// corsWHIP lets browser publishers and players on other origins use WHIP
// and WHEP with bearer tokens (cookies are never sent cross-origin).
func corsWHIP(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "POST, PATCH, DELETE, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match")
	h.Set("Access-Control-Expose-Headers", "Location, ETag, Link, Accept-Patch")
}

func (h *Hub) handleOptions(w http.ResponseWriter, r *http.Request) {
	corsWHIP(w)
	w.Header().Set("Accept-Post", ctSDP)
	w.WriteHeader(http.StatusNoContent)
}

// vehicleFor authenticates a vehicle's device token for the path's vehicle.
func (h *Hub) vehicleFor(r *http.Request) (relay.Key, error) {
	k := relay.Key{Vehicle: r.PathValue("vehicle"), Camera: r.PathValue("camera")}
	id, err := h.auth.Vehicle(bearer(r))
	if err != nil {
		return k, err
	}
	if id != k.Vehicle {
		return k, fmt.Errorf("%w: token of vehicle %s used for %s", errForbidden, id, k.Vehicle)
	}
	if _, _, err := h.fleet.Camera(k.Vehicle, k.Camera); err != nil {
		return k, err
	}
	return k, nil
}

// viewerFor returns the stream a viewer route is about; the guard has
// authenticated the user and checked the vehicle against the user's scope.
func (h *Hub) viewerFor(r *http.Request) (relay.Key, auth.User, error) {
	k := relay.Key{Vehicle: r.PathValue("vehicle"), Camera: r.PathValue("camera")}
	u := auth.Caller(r)
	if u.Username == "" {
		return k, u, auth.ErrNoSession
	}
	if _, _, err := h.fleet.Camera(k.Vehicle, k.Camera); err != nil {
		return k, u, err
	}
	return k, u, nil
}

// handleWHIP: POST /whip/{vehicle}/{camera}, a vehicle publishes a camera.
func (h *Hub) handleWHIP(w http.ResponseWriter, r *http.Request) {
	corsWHIP(w)
	k, err := h.vehicleFor(r)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	offer, err := readSDP(w, r, ctSDP)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	answer, id, err := h.relay.Publish(r.Context(), k, offer)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeSDP(w, "/whip/"+k.Vehicle+"/"+k.Camera+"/"+id, id, answer)
}

// handleWHEP: POST /whep/{vehicle}/{camera}, a user watches a camera.
func (h *Hub) handleWHEP(w http.ResponseWriter, r *http.Request, _ auth.User) {
	corsWHIP(w)
	k, u, err := h.viewerFor(r)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	offer, err := readSDP(w, r, ctSDP)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	answer, id, err := h.relay.Subscribe(r.Context(), k, offer)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	h.log.Info("live view", "user", u.Username, "stream", k.String(), "session", id, "ip", clientIP(r))
	h.audit(r, u, "live.view", k.Vehicle+"/"+k.Camera, "session "+id)
	writeSDP(w, "/whep/"+k.Vehicle+"/"+k.Camera+"/"+id, id, answer)
}

func writeSDP(w http.ResponseWriter, location, id, answer string) {
	w.Header().Set("Content-Type", ctSDP)
	w.Header().Set("Location", location)
	w.Header().Set("ETag", `"`+id+`"`)
	w.Header().Set("Accept-Patch", ctSDPFrag)
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write([]byte(answer))
}

// sessionOf checks that the path's session belongs to the path's stream.
func (h *Hub) sessionOf(r *http.Request, k relay.Key) (string, error) {
	id := r.PathValue("session")
	got, ok := h.relay.SessionKey(id)
	if !ok || got != k {
		return "", relay.ErrNoSession
	}
	return id, nil
}

// handleViewerSession serves PATCH and DELETE of a WHEP session.
func (h *Hub) handleViewerSession(w http.ResponseWriter, r *http.Request, _ auth.User) {
	h.handleSession(false)(w, r)
}

// handleSession serves PATCH (ICE restart) and DELETE of WHIP and WHEP sessions.
func (h *Hub) handleSession(publisher bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		corsWHIP(w)
		var k relay.Key
		var err error
		if publisher {
			k, err = h.vehicleFor(r)
		} else {
			k, _, err = h.viewerFor(r)
		}
		if err != nil {
			writeError(w, r, h.log, err)
			return
		}
		h.serveSession(w, r, k)
	}
}

// serveSession ends (DELETE) or ICE-restarts (PATCH) the path's session of stream k.
func (h *Hub) serveSession(w http.ResponseWriter, r *http.Request, k relay.Key) {
	id, err := h.sessionOf(r, k)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if r.Method == http.MethodDelete {
		if err := h.relay.Delete(id); err != nil {
			writeError(w, r, h.log, err)
			return
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	frag, err := readSDP(w, r, ctSDPFrag)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if !strings.Contains(frag, "a=ice-ufrag:") {
		// Trickled candidates only: the relay gathers everything up front
		// and finds the client through peer-reflexive candidates.
		w.WriteHeader(http.StatusNoContent)
		return
	}
	answer, err := h.relay.Patch(r.Context(), id, frag)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	w.Header().Set("Content-Type", ctSDPFrag)
	w.Header().Set("ETag", `"`+id+`"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(answer))
}
