package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// runVersion prints the module version and the VCS revision gen was built
// from, as the Go toolchain recorded them in the binary.
func runVersion(args []string, stdout, stderr io.Writer) int {
	flags := newFlags("version", stderr)
	operands, err := parseArgs(flags, args)
	if err != nil {
		return parseStatus(err)
	}
	if len(operands) > 0 {
		fmt.Fprintf(stderr, "gen version: unexpected argument %q\n", operands[0])
		return exitUsage
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintln(stderr, "gen version: the binary holds no build information")
		return exitInput
	}
	fmt.Fprintf(stdout, "gen %s %s\n", info.Main.Path, info.Main.Version)
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	switch revision := settings["vcs.revision"]; {
	case revision == "":
		fmt.Fprintln(stdout, "revision unknown: built without VCS information (go build -buildvcs=false, or outside a checkout)")
	case settings["vcs.modified"] == "true":
		fmt.Fprintf(stdout, "revision %s (%s), with uncommitted changes\n", revision, settings["vcs.time"])
	default:
		fmt.Fprintf(stdout, "revision %s (%s)\n", revision, settings["vcs.time"])
	}
	fmt.Fprintf(stdout, "built with %s\n", info.GoVersion)
	return exitOK
}
