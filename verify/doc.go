// Package verify checks a deployed stack against the template it was
// deployed from, semantically: each key policy, each table's resource
// policy, each function's resource policies (its own, each alias's and
// each version's), and each role's trust, inline and managed policies, must
// allow no more and no less than the template promised (principal, action,
// resource and condition, compared by [cfn.Broader] once the template's
// intrinsics are resolved against the stack); no key may have a grant but
// DynamoDB's; each table's SSE must be on, of type KMS, with the stack's own
// key, its key schema and indexes the template's, its billing mode and
// capacity the template's (provisioned capacity within the range of the
// template's auto scaling, where it scales), its scalable targets and
// scaling policies exactly the template's, and its deletion protection and
// point-in-time recovery no weaker than the template's; each key must be
// enabled and rotate at the promised period; each function must have the
// environment the template gave it, run the code its template names, and
// be reachable only as the template makes it (its URLs, event source
// mappings, aliases and versions), and no function outside the stack may
// run as a role of the stack; the stack must hold every resource its
// template makes; and the template itself must pass gen check. Where an
// endpoint cannot answer (moto, for one), the check says so rather than
// pass.
//
// A deployment of several stacks (Deployment, verify -manifest) is verified
// each stack in its own Region, and across them: each global table's
// replicas ACTIVE on the key of their Region's stack, replica keys replicas
// of their multi-Region primary, each parameter the output stacks.json
// wires to it, and gen check's deployment rules on the deployed templates.
//
// The checks run at once, each service's requests bounded, and their lines
// come in one order whatever the services' timing.
package verify
