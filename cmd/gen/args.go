package main

import (
	"errors"
	"flag"
	"strings"
)

// parseArgs parses args into flags and gives the operands, with flags
// allowed anywhere among them (gen check sam.yaml -format sarif): the flag
// package alone stops at the first operand. "--" ends the flags, so that
// an operand may begin with "-"; "-" alone is an operand (standard input).
// -h and -help give flag.ErrHelp, after the usage is printed.
func parseArgs(flags *flag.FlagSet, args []string) ([]string, error) {
	var operands []string
	for len(args) > 0 {
		if err := flags.Parse(args); err != nil {
			return nil, err
		}
		rest := flags.Args()
		if endedByDoubleDash(flags, args[:len(args)-len(rest)]) {
			return append(operands, rest...), nil
		}
		if len(rest) == 0 {
			break
		}
		operands = append(operands, rest[0])
		args = rest[1:]
	}
	return operands, nil
}

// endedByDoubleDash reports whether the flag package stopped parsing parsed
// at a "--" that ends the flags, not one given as a flag's value (-git --).
func endedByDoubleDash(flags *flag.FlagSet, parsed []string) bool {
	n := len(parsed)
	if n == 0 || parsed[n-1] != "--" {
		return false
	}
	return n == 1 || !takesValue(flags, parsed[n-2])
}

// takesValue reports whether arg is a flag, written without =, whose value
// is the next argument.
func takesValue(flags *flag.FlagSet, arg string) bool {
	name, ok := strings.CutPrefix(arg, "-")
	if !ok || strings.Contains(name, "=") {
		return false
	}
	f := flags.Lookup(strings.TrimPrefix(name, "-"))
	if f == nil {
		return false
	}
	b, isBool := f.Value.(interface{ IsBoolFlag() bool })
	return !isBool || !b.IsBoolFlag()
}

// parseStatus is the exit status for a parse error: 0 for -h, which asked
// for the usage, and a usage error otherwise.
func parseStatus(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}
