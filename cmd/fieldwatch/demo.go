package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"fieldwatch/sim/demo"
)

func runDemo(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	httpAddr := fs.String("http", "127.0.0.1:8080", "console and API address")
	dataDir := fs.String("data", "", "data directory (default: a temporary one, removed on exit)")
	vehicles := fs.Int("vehicles", 3, "number of simulated vehicles")
	cameras := fs.Int("cameras", 2, "cameras per simulated vehicle")
	password := fs.String("demo-password", "", "password of every seeded account (default: random, printed)")
	outages := fs.Bool("outages", false, "cut random vehicles' links now and then (3-30 s every 20-60 s)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger()
	startPprof(log)
	d, err := demo.Start(ctx, demo.Options{
		HTTPAddr: *httpAddr, DataDir: *dataDir, Vehicles: *vehicles, CamerasPerVehicle: *cameras,
		Password: *password, Outages: *outages, Logger: log,
	})
	if err != nil {
		return err
	}
	printWelcome(d)
	<-ctx.Done()
	fmt.Fprintln(os.Stderr, "stopping the demo...")
	return d.Close()
}

func printWelcome(d *demo.Demo) {
	w := tabwriter.NewWriter(os.Stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintf(w, "\nfieldwatch demo is running.\n\n  Console (bảng điều khiển):  %s\n\n", d.URL())
	fmt.Fprintln(w, "  Logins (tài khoản)\tpassword\trole\tunit")
	for _, l := range d.Logins() {
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", l.Username, l.Password, l.Role, l.Unit)
	}
	fmt.Fprintf(w, "\n  Vehicles: %v. Cut a vehicle's link from the console, or:\n", d.VehicleIDs())
	fmt.Fprintf(w, "    curl -X POST -H 'Authorization: Bearer TOKEN' -H 'Content-Type: application/json' -d '{\"vehicle\":\"xe-01\",\"up\":false}' %sapi/v1/sim/link\n", d.URL())
	fmt.Fprintf(w, "\n  Duty screen (màn hình trực ban): log in as trucban.huunghi or lanhdao.huunghi, open \"Trực ban\" (%s#/command).\n", d.URL())
	fmt.Fprintf(w, "  Crew phone app (ứng dụng tổ công tác): %sm/ as tocongtac.huunghi.\n", d.URL())
	fmt.Fprintln(w, "\n  Press Ctrl+C to stop.")
	w.Flush()
}
