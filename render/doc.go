// Package render writes a built stack as the YAML people review in pull
// requests, or as JSON: short-form intrinsics (!Ref, !Sub, !GetAtt A.B),
// CloudFormation's usual key order, resources and outputs in the order the
// builder added them, multi-line strings as block literals. Same stack, same
// bytes.
//
// goformation's own Template.YAML is long-form and alphabetical (Properties
// before Type), which is why this package exists.
package render
