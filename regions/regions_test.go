package regions

import (
	"slices"
	"testing"
)

func TestRegionsAreTheAWSCLIsWithTheirPartitions(t *testing.T) {
	tests := []struct{ region, partition string }{
		{"us-east-1", "aws"},
		{"eu-west-1", "aws"},
		{"ap-southeast-2", "aws"},
		{"cn-north-1", "aws-cn"},
		{"us-gov-west-1", "aws-us-gov"},
		{"eu-west-9", ""},
		{"EU-WEST-1", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Partition(tt.region); got != tt.partition {
			t.Errorf("Partition(%q) = %q, want %q", tt.region, got, tt.partition)
		}
		if got := Known(tt.region); got != (tt.partition != "") {
			t.Errorf("Known(%q) = %v", tt.region, got)
		}
	}
}

func TestNearestFindsARegionWrittenWithoutItsHyphens(t *testing.T) {
	for _, typo := range []string{"euwest-1", "eu-west1", "euwest1"} {
		if got := Nearest(typo); !slices.Equal(got, []string{"eu-west-1"}) {
			t.Errorf("Nearest(%q) = %v, want [eu-west-1]", typo, got)
		}
	}
	if got := Nearest("mars-north-1"); got != nil {
		t.Errorf("Nearest(mars-north-1) = %v, want none", got)
	}
}
