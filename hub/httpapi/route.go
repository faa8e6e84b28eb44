package httpapi

import (
	"net/http"
	"time"

	"fieldwatch/hub/access"
)

// Access says who may call a route.
type Access string

// Who may call a route.
const (
	Public  Access = "public"  // anyone
	User    Access = "user"    // a logged-in user (bearer token or session cookie)
	Vehicle Access = "vehicle" // a vehicle's device token
	Demo    Access = "demo"    // a logged-in user, demo mode only
)

// Handler serves a request; a returned error is answered by WriteError.
// A handler that returns an error must not have written the response.
type Handler func(w http.ResponseWriter, r *http.Request) error

// Plain adapts an http.HandlerFunc that answers every case itself.
func Plain(h http.HandlerFunc) Handler {
	return func(w http.ResponseWriter, r *http.Request) error { h(w, r); return nil }
}

// Route is one entry of the hub's HTTP surface. The table of all routes is
// the source for the guard, the authorisation matrix test and OpenAPI.
type Route struct {
	Method  string
	Pattern string
	Access  Access
	// Action is what a user route does, checked against the caller's
	// roles before the handler runs.
	Action access.Action
	// Scope names the path parameter holding the vehicle the route is
	// about; the caller must see that vehicle's unit. Routes without one
	// filter what they return, or check the unit named in their body.
	Scope   string
	Summary string
	Handle  Handler
	// In is the JSON request body (a value of its type, e.g. MyRequest{}),
	// nil when the route takes none; InType names a body that is not JSON
	// ("application/sdp", "text/csv", ...).
	In     any
	InType string
	// NoIn says the route reads no request body (a POST that is a verb).
	NoIn bool
	// ReadTimeout bounds how long the request (its body included) may take
	// to arrive: 0 is the hub's default for API calls, longer for uploads,
	// negative for none (a connection the handler takes over, such as a
	// WebSocket, which keeps its own deadlines).
	ReadTimeout time.Duration
	// Out is the JSON response body (a value of its type), nil when the
	// route answers with something else; OutType names it then.
	Out     any
	OutType string
}

// WithBody returns the route with its JSON request and response types.
func (rt Route) WithBody(in, out any) Route {
	rt.In, rt.Out = in, out
	return rt
}

// Accepts returns the route with a non-JSON request body type.
func (rt Route) Accepts(contentType string) Route {
	rt.InType = contentType
	return rt
}

// ReadFor returns the route with its own read timeout (see ReadTimeout).
func (rt Route) ReadFor(d time.Duration) Route {
	rt.ReadTimeout = d
	return rt
}

// NoContentType is the OutType of a route that answers 204 No Content.
const NoContentType = "-"

// NoContent returns the route marked as answering 204 with no body.
func (rt Route) NoContent() Route {
	rt.OutType = NoContentType
	return rt
}

// NoBody returns the route marked as reading no request body.
func (rt Route) NoBody() Route {
	rt.NoIn = true
	return rt
}

// Returns returns the route with a non-JSON response type.
func (rt Route) Returns(contentType string) Route {
	rt.OutType = contentType
	return rt
}

// NewPublic is a route anyone may call.
func NewPublic(method, pattern, summary string, h Handler) Route {
	return Route{Method: method, Pattern: pattern, Access: Public, Summary: summary, Handle: h}
}

// NewVehicle is a route a vehicle calls with its device token.
func NewVehicle(method, pattern, summary string, h Handler) Route {
	return Route{Method: method, Pattern: pattern, Access: Vehicle, Summary: summary, Handle: h}
}

// NewUser is a route of a logged-in user allowed to do a; scope, when not
// empty, names the path parameter of the vehicle the route is about.
func NewUser(method, pattern string, a access.Action, scope, summary string, h Handler) Route {
	return Route{Method: method, Pattern: pattern, Access: User, Action: a, Scope: scope, Summary: summary, Handle: h}
}
