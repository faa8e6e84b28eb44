package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"fieldwatch/hub/server"
	"fieldwatch/sim/bench"
)

const benchUsage = `usage:
  fieldwatch bench live --hub URL --publishers N --viewers M --duration D [flags]
  fieldwatch bench hub-config --streams N > bench-hub.yaml   (a hub config with N bench vehicles)`

func runBench(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", benchUsage)
	}
	switch args[0] {
	case "live":
		return bench.Main(ctx, args[1:], os.Stdout, os.Stderr)
	case "hub-config":
		return benchHubConfig(args[1:])
	}
	return fmt.Errorf("%s", benchUsage)
}

// benchHubConfig prints a hub configuration that registers bench1..benchN,
// each with camera cam1 and the token "bench-token-{i}-0123456789", the
// defaults of `bench live` (--whip-path /whip/bench{i}/cam1).
func benchHubConfig(args []string) error {
	fs := flag.NewFlagSet("bench hub-config", flag.ContinueOnError)
	streams := fs.Int("streams", 50, "number of bench vehicles")
	addr := fs.String("http", "127.0.0.1:8080", "hub HTTP address")
	data := fs.String("data", "data/bench-hub", "hub data directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := server.DefaultConfig()
	cfg.Name, cfg.DataDir, cfg.HTTP.Addr = "bench-hub", *data, *addr
	cfg.HTTP.TLS = "off" // signalling in plain HTTP, as the servers it is compared with are run
	cfg.Units.Tree = []server.UnitConfig{{ID: "bench", Name: "Bench"}}
	cfg.WebRTC.LoopbackOnly = strings.HasPrefix(*addr, "127.") || strings.HasPrefix(*addr, "localhost")
	for i := 1; i <= *streams; i++ {
		cfg.Vehicles = append(cfg.Vehicles, server.VehicleConfig{
			ID: fmt.Sprintf("bench%d", i), Name: fmt.Sprintf("Bench %d", i), Unit: "bench",
			Token:   BenchToken(i),
			Cameras: []server.CameraConfig{{ID: "cam1", Name: "Camera 1"}},
		})
	}
	out, err := cfg.YAML()
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(out)
	return err
}

// BenchToken is the device token of bench vehicle i.
func BenchToken(i int) string { return fmt.Sprintf("bench-token-%d-0123456789", i) }
