// Package yamlconf loads a YAML configuration file over defaults, strictly:
// unknown keys are errors, an empty file means all defaults.
package yamlconf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"
)

// Load decodes the file at path into cfg, which holds the defaults.
func Load(path string, cfg any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("config %s: %w", path, err)
	}
	return nil
}

// Marshal renders a configuration (for --print-config).
func Marshal(cfg any) ([]byte, error) { return yaml.Marshal(cfg) }
