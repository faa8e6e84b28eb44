package main

import (
	"context"
	"flag"
	"os"

	"fieldwatch/vehicle/node"
)

func runVehicle(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("vehicle", flag.ContinueOnError)
	path := fs.String("config", "", "YAML configuration file (see configs/vehicle.yaml)")
	printCfg := fs.Bool("print-config", false, "print the effective configuration and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := node.DefaultConfig()
	if *path != "" {
		var err error
		if cfg, err = node.LoadConfig(*path); err != nil {
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
	n, err := node.New(node.Params{Config: cfg, Logger: newLogger()})
	if err != nil {
		return err
	}
	return n.Run(ctx)
}
