package live

import (
	"net/http"
	"regexp"
	"strings"

	"fieldwatch/hub/auth"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/relay"
)

var notID = regexp.MustCompile(`[^a-z0-9_-]+`)

// PhoneCamera is the camera id under which a crew member's phone publishes.
func PhoneCamera(u auth.User) string {
	id := "phone-" + strings.Trim(notID.ReplaceAllString(strings.ToLower(u.Username), "-"), "-")
	return id[:min(len(id), 64)]
}

// phoneKey registers (once) the crew member's phone as a camera of the
// path's vehicle, so a crew member on foot is a camera too: watched live
// from the console like the vehicle's own cameras.
func (a *API) phoneKey(r *http.Request, u auth.User) (relay.Key, error) {
	k := relay.Key{Vehicle: r.PathValue("vehicle"), Camera: PhoneCamera(u)}
	v, err := a.fleet.Get(k.Vehicle)
	if err != nil {
		return k, err
	}
	if _, ok := v.Camera(k.Camera); !ok {
		name := u.Name
		if name == "" {
			name = u.Username
		}
		v.Cameras = append(v.Cameras, fleet.Camera{ID: k.Camera, Name: "Điện thoại · " + name})
		if err := a.fleet.Put(v); err != nil {
			return k, err
		}
	}
	return k, nil
}

// phoneWHIP: POST /whip/{vehicle}/phone, a crew member's phone browser
// publishes its camera with WHIP under the user's session.
func (a *API) phoneWHIP(w http.ResponseWriter, r *http.Request) error {
	cors(w)
	u := auth.Caller(r)
	if u.Username == "" {
		return auth.ErrNoSession
	}
	k, err := a.phoneKey(r, u)
	if err != nil {
		return err
	}
	offer, err := httpapi.ReadSDP(w, r, ContentTypeSDP)
	if err != nil {
		return err
	}
	answer, id, err := a.relay.Publish(r.Context(), k, offer)
	if err != nil {
		return err
	}
	a.audit.Record(r, u, "live.publish", k.Vehicle+"/"+k.Camera, "phone camera, session "+id)
	writeSDP(w, "/whip/"+k.Vehicle+"/phone/"+id, id, answer)
	return nil
}

// phoneSession serves PATCH and DELETE of a phone's WHIP session.
func (a *API) phoneSession(w http.ResponseWriter, r *http.Request) error {
	cors(w)
	u := auth.Caller(r)
	if u.Username == "" {
		return auth.ErrNoSession
	}
	return a.session(w, r, relay.Key{Vehicle: r.PathValue("vehicle"), Camera: PhoneCamera(u)})
}
