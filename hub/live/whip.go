package live

import (
	"fmt"
	"net/http"
	"strings"

	"fieldwatch/hub/auth"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/relay"
	"fieldwatch/internal/errkind"
)

// Content types of WHIP/WHEP (RFC 9725) and trickle ICE fragments (RFC 8840).
const (
	ContentTypeSDP     = "application/sdp"
	ContentTypeSDPFrag = "application/trickle-ice-sdpfrag"
)

// errOtherVehicle: a vehicle's token used for another vehicle's path.
var errOtherVehicle = errkind.New(errkind.Forbidden, "forbidden", "not allowed for this account")

// cors lets browser publishers and players on other origins use WHIP
// and WHEP with bearer tokens (cookies are never sent cross-origin).
func cors(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "POST, PATCH, DELETE, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match")
	h.Set("Access-Control-Expose-Headers", "Location, ETag, Link, Accept-Patch")
}

// options answers a CORS preflight.
func options(w http.ResponseWriter, _ *http.Request) error {
	cors(w)
	w.Header().Set("Accept-Post", ContentTypeSDP)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// publisherKey authenticates a vehicle's device token for the path's vehicle.
func (a *API) publisherKey(r *http.Request) (relay.Key, error) {
	k := relay.Key{Vehicle: r.PathValue("vehicle"), Camera: r.PathValue("camera")}
	id, err := a.tokens.Vehicle(httpapi.Bearer(r))
	if err != nil {
		return k, err
	}
	if id != k.Vehicle {
		return k, fmt.Errorf("%w: token of vehicle %s used for %s", errOtherVehicle, id, k.Vehicle)
	}
	if _, _, err := a.fleet.Camera(k.Vehicle, k.Camera); err != nil {
		return k, err
	}
	return k, nil
}

// viewerKey returns the stream a viewer route is about; the guard has
// authenticated the user and checked the vehicle against the user's scope.
func (a *API) viewerKey(r *http.Request) (relay.Key, auth.User, error) {
	k := relay.Key{Vehicle: r.PathValue("vehicle"), Camera: r.PathValue("camera")}
	u := auth.Caller(r)
	if u.Username == "" {
		return k, u, auth.ErrNoSession
	}
	if _, _, err := a.fleet.Camera(k.Vehicle, k.Camera); err != nil {
		return k, u, err
	}
	return k, u, nil
}

// whip: POST /whip/{vehicle}/{camera}, a vehicle publishes a camera.
func (a *API) whip(w http.ResponseWriter, r *http.Request) error {
	cors(w)
	k, err := a.publisherKey(r)
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
	writeSDP(w, "/whip/"+k.Vehicle+"/"+k.Camera+"/"+id, id, answer)
	return nil
}

// whep: POST /whep/{vehicle}/{camera}, a user watches a camera.
func (a *API) whep(w http.ResponseWriter, r *http.Request) error {
	cors(w)
	k, u, err := a.viewerKey(r)
	if err != nil {
		return err
	}
	offer, err := httpapi.ReadSDP(w, r, ContentTypeSDP)
	if err != nil {
		return err
	}
	answer, id, err := a.relay.Subscribe(r.Context(), k, u.Username, offer)
	if err != nil {
		return err
	}
	a.log.Info("live view", "user", u.Username, "stream", k.String(), "session", id, "ip", httpapi.ClientIP(r))
	a.audit.Record(r, u, "live.view", k.Vehicle+"/"+k.Camera, "session "+id)
	writeSDP(w, "/whep/"+k.Vehicle+"/"+k.Camera+"/"+id, id, answer)
	return nil
}

func writeSDP(w http.ResponseWriter, location, id, answer string) {
	w.Header().Set("Content-Type", ContentTypeSDP)
	w.Header().Set("Location", location)
	w.Header().Set("ETag", `"`+id+`"`)
	w.Header().Set("Accept-Patch", ContentTypeSDPFrag)
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write([]byte(answer))
}

// publisherSession serves PATCH and DELETE of a vehicle's WHIP session.
func (a *API) publisherSession(w http.ResponseWriter, r *http.Request) error {
	cors(w)
	k, err := a.publisherKey(r)
	if err != nil {
		return err
	}
	return a.session(w, r, k)
}

// viewerSession serves PATCH and DELETE of a WHEP session.
func (a *API) viewerSession(w http.ResponseWriter, r *http.Request) error {
	cors(w)
	k, _, err := a.viewerKey(r)
	if err != nil {
		return err
	}
	return a.session(w, r, k)
}

// session ends (DELETE) or ICE-restarts (PATCH) the path's session of
// stream k; the session must belong to k.
func (a *API) session(w http.ResponseWriter, r *http.Request, k relay.Key) error {
	id := r.PathValue("session")
	if got, ok := a.relay.SessionKey(id); !ok || got != k {
		return relay.ErrNoSession
	}
	if r.Method == http.MethodDelete {
		if err := a.relay.Delete(id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusOK)
		return nil
	}
	frag, err := httpapi.ReadSDP(w, r, ContentTypeSDPFrag)
	if err != nil {
		return err
	}
	if !strings.Contains(frag, "a=ice-ufrag:") {
		// Trickled candidates only: the relay gathers everything up front
		// and finds the client through peer-reflexive candidates.
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	answer, err := a.relay.Patch(r.Context(), id, frag)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ContentTypeSDPFrag)
	w.Header().Set("ETag", `"`+id+`"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(answer))
	return nil
}
