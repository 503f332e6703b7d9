// Package cfn is the one model of a CloudFormation or SAM template that the
// posture check, the verifier and the template diff share: it parses YAML
// (short-form tags too) and JSON keeping the line and column of every node,
// spells intrinsics out in long form, resolves them against a deployed
// stack, and reads policy documents into statements whose principals,
// actions, resources and conditions it can compare: is one policy broader
// than another?
//
// A template is held as plain values, as encoding/json would give them
// (map[string]any, []any, string, float64, bool, nil), with every intrinsic
// in long form ({"Ref": "X"}, {"Fn::GetAtt": ["X", "Arn"]}), so that the same
// template written another way is the same value.
//
// See https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html
package cfn
