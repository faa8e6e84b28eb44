package auth

import (
	"log/slog"
	"net/http"

	"fieldwatch/hub/access"
	"fieldwatch/hub/audit"
	"fieldwatch/hub/httpapi"
	"fieldwatch/hub/units"
)

// SessionCookie carries the console's session token.
const SessionCookie = "fieldwatch_session"

// RequestToken is a user's token from the Authorization header or the
// session cookie.
func RequestToken(r *http.Request) string {
	if t := httpapi.Bearer(r); t != "" {
		return t
	}
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// Auditor records what a user did.
type Auditor interface {
	Record(r *http.Request, who audit.Actor, action, object, detail string)
}

// Units is the unit tree as the accounts' handlers need it: scope
// questions and whether a unit exists.
type Units interface {
	access.Tree
	Get(id string) (units.Unit, bool)
}

// Links drops a vehicle's control connection once its credentials are revoked.
type Links interface {
	Disconnect(vehicle string)
}

// APIParams is what the accounts' handlers need.
type APIParams struct {
	Service *Service
	Units   Units
	Audit   Auditor
	Links   Links
	// SecureCookie marks the session cookie Secure (the hub serves HTTPS).
	SecureCookie bool
	Logger       *slog.Logger
}

// API serves logins, one's own account and sessions, the accounts of
// one's subtree and vehicles' device credentials.
type API struct {
	p APIParams
}

// NewAPI returns the accounts' handlers.
func NewAPI(p APIParams) *API {
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	return &API{p: p}
}

// Routes are the accounts' routes.
func (a *API) Routes() []httpapi.Route {
	return []httpapi.Route{
		httpapi.NewPublic("POST", "/api/v1/auth/login", "Log in: returns a bearer token and sets the session cookie", a.login).
			WithBody(LoginRequest{}, LoginResponse{}),
		httpapi.NewUser("POST", "/api/v1/auth/logout", access.Self, "", "Log out: revokes the session", a.logout).
			WithBody(nil, OKResponse{}).NoBody(),
		httpapi.NewUser("GET", "/api/v1/me", access.Self, "", "The logged-in user", a.me).
			WithBody(nil, User{}),
		httpapi.NewUser("POST", "/api/v1/me/password", access.Self, "", "Change one's own password (ends one's other sessions)", a.changePassword).
			WithBody(PasswordRequest{}, OKResponse{}),
		httpapi.NewUser("GET", "/api/v1/sessions", access.Self, "", "One's open sessions (administrator: ?user=NAME or everyone's)", a.sessions).
			WithBody(nil, []SessionView{}),
		httpapi.NewUser("DELETE", "/api/v1/sessions/{id}", access.Self, "", "End a session (one's own; the administrator any)", a.revokeSession).NoContent(),
		httpapi.NewUser("GET", "/api/v1/users", access.UsersView, "", "Accounts of one's subtree (administrator: all)", a.users).
			WithBody(nil, []UserView{}),
		httpapi.NewUser("POST", "/api/v1/users", access.UsersAdmin, "", "Create an account with an initial password (changed at first login)", a.createUser).
			WithBody(UserRequest{}, UserView{}),
		httpapi.NewUser("PUT", "/api/v1/users/{username}", access.UsersAdmin, "", "Change an account's name, unit or roles", a.updateUser).
			WithBody(UserRequest{}, UserView{}),
		httpapi.NewUser("POST", "/api/v1/users/{username}/lock", access.UsersAdmin, "", "Lock an account (ends its sessions)", a.userOp).
			WithBody(UserOpRequest{}, UserView{}),
		httpapi.NewUser("POST", "/api/v1/users/{username}/unlock", access.UsersAdmin, "", "Unlock an account", a.userOp).
			WithBody(UserOpRequest{}, UserView{}),
		httpapi.NewUser("POST", "/api/v1/users/{username}/retire", access.UsersAdmin, "", "Retire an account for good", a.userOp).
			WithBody(UserOpRequest{}, UserView{}),
		httpapi.NewUser("POST", "/api/v1/users/{username}/password", access.UsersAdmin, "", "Reset an account's password (a new initial password)", a.userOp).
			WithBody(UserOpRequest{}, UserView{}),
		httpapi.NewUser("POST", "/api/v1/vehicles/{vehicle}/credentials", access.VehiclesAdmin, "vehicle", "Issue a new device token for a vehicle (shown once)", a.issueCredential).
			WithBody(nil, CredentialIssued{}).NoBody(),
		httpapi.NewUser("DELETE", "/api/v1/vehicles/{vehicle}/credentials", access.VehiclesAdmin, "vehicle", "Revoke every device token of a vehicle", a.revokeCredentials).
			WithBody(nil, CredentialsRevoked{}),
	}
}

// OKResponse is the answer of an action with nothing else to say.
type OKResponse struct {
	OK bool `json:"ok"`
}
