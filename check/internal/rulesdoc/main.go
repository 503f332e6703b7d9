// Command rulesdoc writes gen check's rule documentation, docs/rules.md, from
// check.Rules(); go generate ./check runs it.
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/dynamodb-sse-cmk/stack/check"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: rulesdoc OUT.md")
		os.Exit(2)
	}
	var b bytes.Buffer
	if err := check.WriteRuleTable(&b); err != nil {
		fmt.Fprintln(os.Stderr, "rulesdoc:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[1], b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "rulesdoc:", err)
		os.Exit(1)
	}
}
