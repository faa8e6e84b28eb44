package main

import (
	"errors"
	"fmt"
	"io"

	"fieldwatch/internal/bundle"
	"fieldwatch/internal/vntime"
)

// errNotVerified makes the command exit 1 after it printed why.
var errNotVerified = errors.New("the bundle does NOT verify")

// runVerify checks an evidence bundle offline and prints a short report.
func runVerify(out io.Writer, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: fieldwatch verify BUNDLE.zip")
	}
	zone := vntime.Zone
	rep, err := bundle.Verify(args[0])
	if err != nil {
		fmt.Fprintf(out, "KHÔNG HỢP LỆ / NOT VALID: %v\n", err)
		return errNotVerified
	}
	fmt.Fprintf(out, "HỢP LỆ / VALID: %s\n", args[0])
	fmt.Fprintf(out, "  segments: %d, frames: %d, hash chain: intact\n", rep.Segments, rep.Frames)
	fmt.Fprintf(out, "  recorded: %s – %s (Asia/Ho_Chi_Minh)\n",
		rep.Start.In(zone).Format("2006-01-02 15:04:05"), rep.End.In(zone).Format("2006-01-02 15:04:05"))
	fmt.Fprintf(out, "  signed by vehicle key %s (compare with the hub's record of the vehicle)\n", rep.KeyFingerprint)
	fmt.Fprintln(out, "  clip.mp4 is exactly what the signed segments hold")
	for _, n := range rep.Notes {
		fmt.Fprintf(out, "  note: %s\n", n)
	}
	return nil
}
