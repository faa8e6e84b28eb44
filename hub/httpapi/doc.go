// Package httpapi is what every domain of the hub needs to serve HTTP: the
// route entry a domain declares (method, pattern, who may call it, the
// action and unit scope the guard checks, request and response types for
// the API description), handlers that return errors, and the one place
// that turns an error's kind into a status and a JSON error body.
//
// It knows no domain: domains import it, the assembly mounts their routes.
package httpapi
