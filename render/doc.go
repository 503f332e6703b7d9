// Package render writes any goformation template as the YAML people review
// in pull requests, or as JSON: short-form intrinsics (!Ref, !Sub, !GetAtt
// A.B), CloudFormation's usual key order (AWSTemplateFormatVersion,
// Transform, Description, ..., Resources, Outputs; in a resource Type,
// Condition, DependsOn, DeletionPolicy, UpdateReplacePolicy, Metadata,
// Properties; in a policy Version, Statement and Sid, Effect, Principal,
// Action, Resource, Condition), other keys alphabetically, multi-line
// strings as block literals. Resources and outputs come in the order
// [Order] gives, then the rest by logical id. Same template, same bytes.
//
// goformation's own Template.YAML is long-form and alphabetical (Properties
// before Type), which is why this package exists.
package render
