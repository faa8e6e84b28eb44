package server

import (
	"net/http"
	"regexp"
	"strings"

	"fieldwatch/hub/auth"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/relay"
)

var notID = regexp.MustCompile(`[^a-z0-9_-]+`)

// phoneCamera is the camera id under which a crew member's phone publishes.
func phoneCamera(u auth.User) string {
	id := "phone-" + strings.Trim(notID.ReplaceAllString(strings.ToLower(u.Username), "-"), "-")
	return id[:min(len(id), 64)]
}

// phoneKey registers (once) the crew member's phone as a camera of the
// path's vehicle, so a crew member on foot is a camera too: watched live
// from the console like the vehicle's own cameras.
func (h *Hub) phoneKey(r *http.Request, u auth.User) (relay.Key, error) {
	k := relay.Key{Vehicle: r.PathValue("vehicle"), Camera: phoneCamera(u)}
	v, err := h.fleet.Get(k.Vehicle)
	if err != nil {
		return k, err
	}
	if _, ok := v.Camera(k.Camera); !ok {
		name := u.Name
		if name == "" {
			name = u.Username
		}
		v.Cameras = append(v.Cameras, fleet.Camera{ID: k.Camera, Name: "Điện thoại · " + name})
		if err := h.fleet.Put(v); err != nil {
			return k, err
		}
	}
	return k, nil
}

// handlePhoneWHIP: POST /whip/{vehicle}/phone, a crew member's phone
// browser publishes its camera with WHIP under the user's session.
func (h *Hub) handlePhoneWHIP(w http.ResponseWriter, r *http.Request, u auth.User) {
	corsWHIP(w)
	k, err := h.phoneKey(r, u)
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
	h.audit(r, u, "live.publish", k.Vehicle+"/"+k.Camera, "phone camera, session "+id)
	writeSDP(w, "/whip/"+k.Vehicle+"/phone/"+id, id, answer)
}

// handlePhoneSession serves PATCH and DELETE of a phone's WHIP session.
func (h *Hub) handlePhoneSession(w http.ResponseWriter, r *http.Request, u auth.User) {
	corsWHIP(w)
	k := relay.Key{Vehicle: r.PathValue("vehicle"), Camera: phoneCamera(u)}
	h.serveSession(w, r, k)
}
