package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"fieldwatch/hub/server"
	"fieldwatch/sim/seistamp"
)

func runHub(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("hub", flag.ContinueOnError)
	path := fs.String("config", "", "YAML configuration file (see configs/hub.yaml)")
	printCfg := fs.Bool("print-config", false, "print the effective configuration and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := server.DefaultConfig()
	if *path != "" {
		var err error
		if cfg, err = server.LoadConfig(*path); err != nil {
			return err
		}
	}
	if *printCfg {
		out, err := cfg.YAML()
		if err != nil {
			return err
		}
		_, err = os.Stdout.Write(out)
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
	fmt.Fprintf(os.Stderr, "hub %s serving on %s\n", cfg.Name, ln.Addr())
	serveErr := h.Serve(ctx, ln)
	if err := h.Close(); serveErr == nil {
		serveErr = err
	}
	return serveErr
}
