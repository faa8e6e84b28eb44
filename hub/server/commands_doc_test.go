package server

import (
	"os"
	"strings"
	"testing"

	"fieldwatch/hub/command"
)

// The code map lists every domain's commands: a command added without
// saying so in docs fails here.
func TestEveryCommandIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	kinds := command.Kinds()
	if len(kinds) < 50 {
		t.Fatalf("only %d commands registered", len(kinds))
	}
	for _, k := range kinds {
		if !strings.Contains(string(doc), "`"+k+"`") {
			t.Errorf("command %s is not in docs/architecture.md", k)
		}
	}
}
