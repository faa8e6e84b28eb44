// Package photosync forwards the photos the crew attached to reports on
// the vehicle's LAN to the hub (PUT /api/v1/sync/{vehicle}/photos/{id}),
// whenever the link allows, and forgets each once the hub has it.
package photosync

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"
)

// Store is the vehicle's photo store (vehicle/mailbox).
type Store interface {
	PendingPhotos() ([]string, error)
	PhotoPath(id string) string
	PhotoUploaded(id string) error
}

// Params configure the uploader.
type Params struct {
	Hub, Vehicle, Token string
	HTTP                *http.Client
	Store               Store
	Logger              *slog.Logger
	// Every is how often pending photos are tried; default 3 s.
	Every time.Duration
}

// Run uploads pending photos until ctx ends.
func Run(ctx context.Context, p Params) error {
	if p.Every <= 0 {
		p.Every = 3 * time.Second
	}
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	t := time.NewTicker(p.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		ids, err := p.Store.PendingPhotos()
		if err != nil {
			p.Logger.Error("photos pending", "err", err)
			continue
		}
		for _, id := range ids {
			if err := upload(ctx, p, id); err != nil {
				p.Logger.Info("photo not uploaded yet", "photo", id[:12], "err", err)
				break // the link is likely down: try again later, in order
			}
		}
	}
}

func upload(ctx context.Context, p Params, id string) error {
	f, err := os.Open(p.Store.PhotoPath(id))
	if err != nil {
		p.Logger.Error("photo lost on the vehicle's disk; dropped", "photo", id, "err", err)
		return p.Store.PhotoUploaded(id)
	}
	defer f.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, p.Hub+"/api/v1/sync/"+p.Vehicle+"/photos/"+id, f)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+p.Token)
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := p.HTTP.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK:
		return p.Store.PhotoUploaded(id)
	case resp.StatusCode == http.StatusUnprocessableEntity || resp.StatusCode == http.StatusUnsupportedMediaType:
		p.Logger.Error("the hub refused a photo; dropped", "photo", id, "status", resp.Status)
		return p.Store.PhotoUploaded(id)
	}
	return fmt.Errorf("hub answered %s", resp.Status)
}
