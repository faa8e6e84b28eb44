// Command fieldwatch is the one binary of the system: the duty hub, the
// vehicle node, the all-in-one demo, the simulators and the load tool.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `fieldwatch: customs online surveillance (duty hub + command vehicles)

Usage:
  fieldwatch demo    [--http ADDR] [--data DIR] [--vehicles N] [--cameras N] [--demo-password P] [--outages]
  fieldwatch hub     --config FILE [--print-config]
  fieldwatch vehicle --config FILE [--print-config]
  fieldwatch sim camera [--addr ADDR] [--paths cam1,cam2]
  fieldwatch bench live --hub URL --publishers N --viewers M --duration D [...]
  fieldwatch verify BUNDLE.zip     check an exported evidence bundle offline

Run "fieldwatch COMMAND --help" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "fieldwatch:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch args[0] {
	case "demo":
		return runDemo(ctx, args[1:])
	case "hub":
		return runHub(ctx, args[1:])
	case "vehicle":
		return runVehicle(ctx, args[1:])
	case "sim":
		return runSim(ctx, args[1:])
	case "bench":
		return runBench(ctx, args[1:])
	case "verify":
		return runVerify(os.Stdout, args[1:])
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	fmt.Fprint(os.Stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
