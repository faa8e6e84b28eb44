package control

import "errors"

// Why a connection was refused or ended. Each is logged with its detail;
// the vehicle gets a protocol.Error whose code is given here.
var (
	// ErrUnauthorized: Authenticate refused the request (HTTP 401, code "bad_token").
	ErrUnauthorized = errors.New("control: vehicle not authenticated")
	// ErrHelloTimeout: no Hello within Params.HelloTimeout (code "hello_timeout").
	ErrHelloTimeout = errors.New("control: no hello in time")
	// ErrNotHello: the first message was not a Hello (code "bad_hello").
	ErrNotHello = errors.New("control: first message is not a hello")
	// ErrWrongVehicle: the Hello names a vehicle other than the token's (code "wrong_vehicle").
	ErrWrongVehicle = errors.New("control: hello names another vehicle than the token")
	// ErrReplaced: a newer connection of the same vehicle took over (code "replaced").
	ErrReplaced = errors.New("control: replaced by a newer connection")
	// ErrSilent: nothing arrived for Params.OfflineAfter.
	ErrSilent = errors.New("control: vehicle silent")
	// ErrClosed: the server is closing or closed (HTTP 503, code "shutting_down").
	ErrClosed = errors.New("control: server closed")
)
