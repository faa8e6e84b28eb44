package server

import (
	"net/http"
	"regexp"
	"strings"
)

var pathParamRE = regexp.MustCompile(`\{([a-z]+)\}`)

// openAPI describes every /api/v1 route of the route table (OpenAPI 3.0),
// so the description cannot drift from what is served.
func (h *Hub) openAPI() map[string]any {
	paths := map[string]any{}
	for _, rt := range h.routes() {
		if !strings.HasPrefix(rt.Pattern, "/api/v1/") {
			continue
		}
		op := map[string]any{
			"summary":   rt.Summary,
			"responses": responsesFor(rt),
		}
		var params []any
		for _, m := range pathParamRE.FindAllStringSubmatch(rt.Pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		switch rt.Access {
		case accessUser, accessDemo:
			op["security"] = []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}}
		case accessVehicle:
			op["security"] = []any{map[string]any{"bearer": []any{}}}
		default:
			op["security"] = []any{}
		}
		switch {
		case rt.Pattern == "/api/v1/photos":
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"image/jpeg": map[string]any{}, "image/png": map[string]any{}, "image/webp": map[string]any{}}}
		case strings.HasPrefix(rt.Pattern, "/api/v1/sync/{"):
			op["requestBody"] = map[string]any{"content": map[string]any{"application/offset+octet-stream": map[string]any{}}}
		case rt.Method == http.MethodPost || rt.Method == http.MethodPut:
			op["requestBody"] = map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}
		}
		if rt.Action != "" {
			op["x-fieldwatch-action"] = string(rt.Action)
		}
		item, _ := paths[rt.Pattern].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Pattern] = item
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "fieldwatch hub API", "version": Version},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie},
			},
			"schemas": map[string]any{
				"Error": map[string]any{"type": "object", "properties": map[string]any{
					"error": map[string]any{"type": "object", "properties": map[string]any{
						"code": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"},
					}},
				}},
			},
		},
	}
}

func responsesFor(rt route) map[string]any {
	errRef := map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}
	out := map[string]any{
		"200":     map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{}}}},
		"default": map[string]any{"description": "Error", "content": errRef},
	}
	if rt.Access != accessPublic {
		out["401"] = map[string]any{"description": "Not logged in", "content": errRef}
	}
	return out
}

func (h *Hub) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, h.openAPI())
}
