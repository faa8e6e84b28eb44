package main

import (
	"flag"
	"os"
)

// configurable is a configuration that can print itself.
type configurable interface{ YAML() ([]byte, error) }

// loadConfig parses --config FILE and --print-config for a command: it
// returns the configuration (the defaults when no file is given) and
// whether it was printed, in which case the command has nothing left to do.
func loadConfig[C configurable](name string, args []string, defaults func() C, load func(string) (C, error)) (C, bool, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	path := fs.String("config", "", "YAML configuration file (see configs/"+name+".yaml)")
	printCfg := fs.Bool("print-config", false, "print the effective configuration and exit")
	cfg := defaults()
	if err := fs.Parse(args); err != nil {
		return cfg, false, err
	}
	if *path != "" {
		var err error
		if cfg, err = load(*path); err != nil {
			return cfg, false, err
		}
	}
	if !*printCfg {
		return cfg, false, nil
	}
	out, err := cfg.YAML()
	if err == nil {
		_, err = os.Stdout.Write(out)
	}
	return cfg, true, err
}
