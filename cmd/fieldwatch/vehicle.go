package main

import (
	"context"

	"fieldwatch/vehicle/node"
)

func runVehicle(ctx context.Context, args []string) error {
	cfg, printed, err := loadConfig("vehicle", args, node.DefaultConfig, node.LoadConfig)
	if err != nil || printed {
		return err
	}
	n, err := node.New(node.Params{Config: cfg, Logger: newLogger()})
	if err != nil {
		return err
	}
	return n.Run(ctx)
}
