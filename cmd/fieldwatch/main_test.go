package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCommands(t *testing.T) {
	ctx := context.Background()
	if err := run(ctx, nil); err == nil {
		t.Error("no command: want an error")
	}
	if err := run(ctx, []string{"launch"}); err == nil || !strings.Contains(err.Error(), `unknown command "launch"`) {
		t.Errorf("unknown command: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "hub.yaml")
	if err := os.WriteFile(bad, []byte("nmae: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"hub", "--config", bad}); err == nil || !strings.Contains(err.Error(), "field nmae not found") {
		t.Errorf("bad hub config: %v", err)
	}
	if err := run(ctx, []string{"vehicle", "--config", "../../configs/vehicle.yaml", "--print-config"}); err != nil {
		t.Errorf("vehicle --print-config: %v", err)
	}
	if err := run(ctx, []string{"bench", "hub-config", "--streams", "2", "--data", t.TempDir()}); err != nil {
		t.Errorf("bench hub-config: %v", err)
	}
}
