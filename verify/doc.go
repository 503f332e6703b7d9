// Package verify checks a deployed stack against the template it was
// deployed from, semantically: each key policy, each table's resource
// policy, and each role's trust, inline and managed policies, must allow no
// more and no less than the template promised (principal, action, resource
// and condition, compared by [cfn.Broader] once the template's intrinsics
// are resolved against the stack); no key may have a grant but DynamoDB's;
// each table's SSE must be on, of type KMS, with the stack's own key;
// each key must be enabled and rotate at the promised period; each function
// must have the environment the template gave it; and the template itself
// must pass gen check. Where an endpoint cannot answer (moto, for one), the
// check says so rather than pass.
package verify
