package server

import (
	"net/http"
	"time"
)

func (h *Hub) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"status": "ok", "hub": h.cfg.Name, "version": Version,
		"uptime_s": int(time.Since(h.started).Seconds()),
	})
}

func (h *Hub) handleInfo(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"version": Version, "hub": h.cfg.Name, "demo": h.demo != nil, "time": time.Now().Format(time.RFC3339),
	})
}
