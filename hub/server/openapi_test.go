package server

import (
	"strings"
	"testing"
)

// Every JSON body of the API has a schema made from its Go type: each
// route says what it answers, and each route that changes something says
// what it reads (or that it reads nothing).
func TestOpenAPIHasASchemaForEveryBody(t *testing.T) {
	h, _ := newTestHub(t)
	for _, rt := range h.routes() {
		if !strings.HasPrefix(rt.Pattern, "/api/v1/") {
			continue
		}
		if rt.Out == nil && rt.OutType == "" {
			t.Errorf("%s %s: no response type", rt.Method, rt.Pattern)
		}
		switch rt.Method {
		case "POST", "PUT", "PATCH":
			if rt.In == nil && rt.InType == "" && !rt.NoIn {
				t.Errorf("%s %s: no request type (NoBody() if it reads none)", rt.Method, rt.Pattern)
			}
		}
	}
	doc := h.openAPI()
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	if len(schemas) < 30 {
		t.Errorf("only %d schemas", len(schemas))
	}
}
