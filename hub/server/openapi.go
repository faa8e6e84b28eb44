package server

import (
	"net/http"

	"fieldwatch/hub/httpapi"
)

// openAPI describes every /api/v1 route of the route table.
func (h *Hub) openAPI() map[string]any {
	return httpapi.OpenAPI(h.routes(), httpapi.Info{Title: "fieldwatch hub API", Version: Version, SessionCookie: sessionCookie})
}

func (h *Hub) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, h.openAPI())
}
