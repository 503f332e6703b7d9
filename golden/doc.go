// Package golden pins the rendered template of every named configuration:
// golden/<name>.yaml holds the exact bytes gen writes, sam.yaml must equal
// the default one, and `go test ./golden -update` rewrites them.
package golden
