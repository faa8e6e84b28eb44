package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"fieldwatch/sim/camera"
)

func runSim(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "camera" {
		return fmt.Errorf("usage: fieldwatch sim camera [--addr ADDR] [--paths cam1,cam2]")
	}
	fs := flag.NewFlagSet("sim camera", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8554", "RTSP listen address")
	paths := fs.String("paths", "cam1,cam2", "comma-separated stream paths")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	srv, err := camera.Start(ctx, camera.Config{Addr: *addr, Paths: strings.Split(*paths, ","), Logger: newLogger()})
	if err != nil {
		return err
	}
	for _, p := range strings.Split(*paths, ",") {
		fmt.Fprintln(os.Stdout, srv.URL(p))
	}
	<-ctx.Done()
	return srv.Close()
}
