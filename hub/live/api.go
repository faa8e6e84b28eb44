// Package live is the HTTP side of live video: vehicles publish their
// cameras with WHIP, crew members publish their phones, users watch with
// WHEP; the vehicles and streams views join the fleet register, the
// control channel's status and the relay's statistics. Its handlers see
// the relay, the control channel and the fleet through narrow interfaces.
package live

import (
	"context"
	"log/slog"
	"net/http"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/control"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/relay"
)

// Relay is the media relay as the handlers use it.
type Relay interface {
	Publish(ctx context.Context, k relay.Key, offer string) (answer, id string, err error)
	// Subscribe starts a viewer of k for account (whose sessions still
	// connecting are capped).
	Subscribe(ctx context.Context, k relay.Key, account, offer string) (answer, id string, err error)
	SessionKey(id string) (relay.Key, bool)
	Patch(ctx context.Context, id, frag string) (string, error)
	Delete(id string) error
	Stats() []relay.StreamStats
}

// ControlStatus tells a vehicle's control channel state.
type ControlStatus interface {
	Status(vehicle string) control.Status
}

// Fleet is the vehicle register as the handlers use it.
type Fleet interface {
	Get(id string) (fleet.Vehicle, error)
	Camera(vehicle, camera string) (fleet.Vehicle, fleet.Camera, error)
	List() ([]fleet.Vehicle, error)
	Put(v fleet.Vehicle) error
}

// VehicleTokens tells which vehicle a device token belongs to.
type VehicleTokens interface {
	Vehicle(token string) (string, error)
}

// Auditor writes the audit log.
type Auditor interface {
	Record(r *http.Request, who audit.Actor, action, object, detail string)
}

// DemoHooks are set by `fieldwatch demo`: they let the console and tests
// cut and restore a simulated vehicle's link.
type DemoHooks struct {
	SetLink func(vehicle string, up bool) error
	LinkUp  func(vehicle string) (up, known bool)
}

// Params are what live video's handlers need.
type Params struct {
	Relay   Relay
	Control ControlStatus
	// ControlChannel serves the vehicles' control channel (WebSocket).
	ControlChannel http.Handler
	Fleet          Fleet
	Tokens         VehicleTokens
	Scope          access.Scope
	Audit          Auditor
	// Demo, when set, enables the demo link route and the vehicles'
	// simulated link state.
	Demo   *DemoHooks
	Logger *slog.Logger
}

// API serves live video.
type API struct {
	relay   Relay
	control ControlStatus
	channel http.Handler
	fleet   Fleet
	tokens  VehicleTokens
	scope   access.Scope
	audit   Auditor
	demo    *DemoHooks
	log     *slog.Logger
}

// NewAPI builds live video's handlers.
func NewAPI(p Params) *API {
	a := &API{relay: p.Relay, control: p.Control, channel: p.ControlChannel, fleet: p.Fleet, tokens: p.Tokens,
		scope: p.Scope, audit: p.Audit, demo: p.Demo, log: p.Logger}
	if a.log == nil {
		a.log = slog.Default()
	}
	return a
}

// Routes are live video's routes: WHIP/WHEP, the control channel,
// vehicles and streams. The demo link route is DemoRoute.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewVehicle("POST", "/whip/{vehicle}/{camera}", "WHIP ingest of one camera", a.whip).Accepts(ContentTypeSDP).Returns(ContentTypeSDP),
		httpapi.NewVehicle("PATCH", "/whip/{vehicle}/{camera}/{session}", "WHIP ICE restart", a.publisherSession).Accepts(ContentTypeSDPFrag).Returns(ContentTypeSDPFrag),
		httpapi.NewVehicle("DELETE", "/whip/{vehicle}/{camera}/{session}", "WHIP session end", a.publisherSession),
		httpapi.NewUser("POST", "/whip/{vehicle}/phone", access.LiveCrewPublish, "vehicle", "WHIP ingest of a crew member's phone camera, as a camera of the vehicle", a.phoneWHIP).Accepts(ContentTypeSDP).Returns(ContentTypeSDP),
		httpapi.NewUser("PATCH", "/whip/{vehicle}/phone/{session}", access.LiveCrewPublish, "vehicle", "WHIP ICE restart of a phone", a.phoneSession).Accepts(ContentTypeSDPFrag).Returns(ContentTypeSDPFrag),
		httpapi.NewUser("DELETE", "/whip/{vehicle}/phone/{session}", access.LiveCrewPublish, "vehicle", "WHIP end of a phone's session", a.phoneSession),
		httpapi.NewPublic("OPTIONS", "/whip/{vehicle}/{camera}", "CORS preflight", options),
		httpapi.NewPublic("OPTIONS", "/whip/{vehicle}/{camera}/{session}", "CORS preflight", options),
		httpapi.NewUser("POST", "/whep/{vehicle}/{camera}", access.LiveView, "vehicle", "WHEP playback of one camera", a.whep).Accepts(ContentTypeSDP).Returns(ContentTypeSDP),
		httpapi.NewUser("PATCH", "/whep/{vehicle}/{camera}/{session}", access.LiveView, "vehicle", "WHEP ICE restart", a.viewerSession).Accepts(ContentTypeSDPFrag).Returns(ContentTypeSDPFrag),
		httpapi.NewUser("DELETE", "/whep/{vehicle}/{camera}/{session}", access.LiveView, "vehicle", "WHEP session end", a.viewerSession),
		httpapi.NewPublic("OPTIONS", "/whep/{vehicle}/{camera}", "CORS preflight", options),
		httpapi.NewPublic("OPTIONS", "/whep/{vehicle}/{camera}/{session}", "CORS preflight", options),
		httpapi.NewVehicle("GET", "/control/v1/ws", "Vehicle control channel (WebSocket)", httpapi.Plain(a.channel.ServeHTTP)).ReadFor(-1),
		httpapi.NewUser("GET", "/api/v1/vehicles", access.FleetView, "", "Vehicles with cameras, online state and last telemetry", a.vehicles).WithBody(nil, []VehicleView{}),
		httpapi.NewUser("GET", "/api/v1/vehicles/{vehicle}", access.FleetView, "vehicle", "One vehicle", a.vehicle).WithBody(nil, VehicleView{}),
		httpapi.NewUser("GET", "/api/v1/streams", access.FleetView, "", "Live streams with relay statistics", a.streams).WithBody(nil, []StreamView{}),
	}
}

// DemoRoute is the demo-only route that cuts or restores a simulated
// vehicle's link.
func (a *API) DemoRoute() httpapi.Route {
	rt := httpapi.NewUser("POST", "/api/v1/sim/link", access.SimLink, "", "Demo: cut or restore a simulated vehicle's link", a.simLink).WithBody(SimLinkRequest{}, SimLinkResponse{})
	rt.Access = httpapi.Demo
	return rt
}
