package main

import (
	"context"
	"fmt"
	"os"

	"fieldwatch/hub/server"
	"fieldwatch/sim/seistamp"
)

func runHub(ctx context.Context, args []string) error {
	cfg, printed, err := loadConfig("hub", args, server.DefaultConfig, server.LoadConfig)
	if err != nil || printed {
		return err
	}
	log := newLogger()
	startPprof(log)
	h, err := server.New(server.Options{
		Config: cfg, Logger: log, StampParser: seistamp.Parse,
		AdminPassword: os.Getenv("FIELDWATCH_ADMIN_PASSWORD"),
	})
	if err != nil {
		return err
	}
	ln, err := h.Listen()
	if err != nil {
		h.Close()
		return err
	}
	scheme := "https"
	if !h.TLS() {
		scheme = "http"
	}
	fmt.Fprintf(os.Stderr, "hub %s serving on %s://%s\n", cfg.Name, scheme, ln.Addr())
	serveErr := h.Serve(ctx, ln)
	if err := h.Close(); serveErr == nil {
		serveErr = err
	}
	return serveErr
}
