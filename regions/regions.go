// Package regions knows the AWS Regions and the partition each belongs to,
// from the endpoints data of the botocore the pinned AWS CLI installs
// (regions.tsv, written by scripts/regions): a Region name gen accepts is
// one the AWS CLI resolves.
package regions

import (
	_ "embed"
	"slices"
	"strings"
)

//go:embed regions.tsv
var table string

// partitions maps each Region to its partition.
var partitions = parse(table)

func parse(tsv string) map[string]string {
	out := map[string]string{}
	for line := range strings.Lines(tsv) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		region, partition, _ := strings.Cut(strings.TrimSpace(line), "\t")
		out[region] = partition
	}
	return out
}

// Known reports whether name is an AWS Region.
func Known(name string) bool {
	_, ok := partitions[name]
	return ok
}

// Partition is the partition of a Region (aws, aws-cn, aws-us-gov, ...),
// or "" for a name that is not a Region.
func Partition(name string) string { return partitions[name] }

// Nearest names the known Regions closest in spelling to name, for an
// error's "did you mean": those of the same shape (eu-west-1 for euwest-1,
// eu-west-1 for eu-west1) first.
func Nearest(name string) []string {
	folded := strings.ReplaceAll(name, "-", "")
	var out []string
	for region := range partitions {
		if strings.ReplaceAll(region, "-", "") == folded {
			out = append(out, region)
		}
	}
	slices.Sort(out)
	return out
}
