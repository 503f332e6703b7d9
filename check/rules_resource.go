package check

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

var resourceRules = []Rule{
	{
		ID: "DDB003", Title: "table or stream open to any account, or managed by another", Severity: Error,
		Why: "a table's or stream's resource policy that lets principals of any account in, or lets another account change, " +
			"delete, back up or export the table, hands its data to principals the stack does not control",
		Fix: "name the principals in the resource policy and allow them only item reads and writes; hold a * principal to this account with aws:PrincipalAccount",
		Basis: []string{"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/access-control-resource-based.html",
			"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/rbac-cross-account-access.html"},
		find:   resourcePoliciesGiving(false),
		family: keyFamily,
	},
	{
		ID: "DDB004", Title: "another account reads or writes a table", Severity: Info,
		Why:    "a resource policy that lets another account read or write items is how teams share a table; the account is named so a reviewer knows who",
		Fix:    "nothing to fix if the account is meant to use the table; the key policy must let it use the table's key too",
		Basis:  []string{"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/rbac-cross-account-access.html"},
		find:   resourcePoliciesGiving(true),
		family: keyFamily,
	},
}

// resourcePolicy is the resource-based policy of a table, a stream or a
// global table's replica, with where it is.
type resourcePolicy struct {
	table      cfn.Resource
	label      string // "resource policy", "stream resource policy of replica eu-west-1"...
	path       []string
	statements []statement
	err        error
}

// resourcePoliciesOf finds the resource policies of the template's tables
// and their streams, and of each replica of a global table.
func resourcePoliciesOf(t *cfn.Template) []resourcePolicy {
	var out []resourcePolicy
	add := func(r cfn.Resource, label string, path ...string) {
		if cfn.At(r.Entry, path...) == nil {
			return
		}
		statements, err := statementsAt(r, path)
		out = append(out, resourcePolicy{r, label, path, statements, err})
	}
	for _, r := range t.Resources("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable") {
		if r.Type == "AWS::DynamoDB::Table" {
			add(r, "resource policy", "Properties", "ResourcePolicy", "PolicyDocument")
			add(r, "stream resource policy", "Properties", "StreamSpecification", "ResourcePolicy", "PolicyDocument")
			continue
		}
		for i, replica := range cfn.List(r.Prop("Replicas")) {
			region, at := cfn.Text(cfn.At(replica, "Region")), []string{"Properties", "Replicas", strconv.Itoa(i)}
			add(r, "resource policy of replica "+region, append(slices.Clone(at), "ResourcePolicy", "PolicyDocument")...)
			add(r, "stream resource policy of replica "+region, append(slices.Clone(at), "ReplicaStreamSpecification", "ResourcePolicy", "PolicyDocument")...)
		}
	}
	return out
}

// dynamoDBItemWrites are the Write actions that change items, not a table.
var dynamoDBItemWrites = []string{
	"dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PartiQLDelete", "dynamodb:PartiQLInsert",
	"dynamodb:PartiQLUpdate", "dynamodb:PutItem", "dynamodb:UpdateItem",
}

// dynamoDBAdministration are the DynamoDB actions that change, delete, back
// up, export or restore a table, or its policy or tags: the Write,
// Permissions management and Tagging actions of AWS's reference but those
// that change items.
var dynamoDBAdministration = sync.OnceValue(func() []string {
	var out []string
	for _, a := range cfn.ServiceActions("dynamodb") {
		level := a.AccessLevel
		if (strings.Contains(level, "Write") || strings.Contains(level, "Permissions management") || strings.Contains(level, "Tagging")) &&
			!slices.Contains(dynamoDBItemWrites, a.Name) {
			out = append(out, a.Name)
		}
	}
	return out
})

// dynamoDBActions are every DynamoDB action, by name.
var dynamoDBActions = sync.OnceValue(func() []string {
	var out []string
	for _, a := range cfn.ServiceActions("dynamodb") {
		out = append(out, a.Name)
	}
	return out
})

// resourcePoliciesGiving finds what the resource policies give principals
// of other accounts: any access to any account, or administration to
// another (an error); or, told as info, item access to another.
func resourcePoliciesGiving(itemAccess bool) func(*model, Options) []hit {
	return func(t *model, _ Options) []hit {
		var hits []hit
		for _, rp := range t.resourcePolicies() {
			if rp.err != nil {
				continue // CHK001 says so
			}
			doc := judgeable(documentOf(rp.statements))
			for _, c := range callers(doc.PolicyDocument, t.env) {
				if c.account == "" || c.thisAccount(t.env) {
					continue
				}
				if h, ok := resourcePolicyGives(rp, doc, c, t.env); ok && h.info == itemAccess {
					hits = append(hits, h)
				}
			}
		}
		return hits
	}
}

// resourcePolicyGives judges what one principal of another account may do
// through a table's resource policy.
func resourcePolicyGives(rp resourcePolicy, doc judgedPolicy, c caller, env cfn.Env) (hit, bool) {
	at := func(g grant) []string { return rp.statements[g.Statement].path }
	who := c.describe(env)
	if c.named && !c.wholeAccount && !c.byCondition {
		who = fmt.Sprintf("%s of account %s", c.ID, c.account)
	}
	if c.account == cfn.UnnamedAccount {
		if g, ok := permits(doc, c, dynamoDBActions(), nil, env, false); ok {
			return hit{resource: rp.table.ID, path: at(g), message: fmt.Sprintf("its %s lets principals of any account call %s: %s", rp.label, g.action, conditionsSaid(doc.Statement[g.Statement]))}, true
		}
		return hit{}, false
	}
	if g, ok := permits(doc, c, dynamoDBAdministration(), nil, env, false); ok {
		return hit{resource: rp.table.ID, path: at(g), message: fmt.Sprintf("its %s lets %s call %s: another account may change, delete or copy the table", rp.label, who, g.action)}, true
	}
	if g, ok := permits(doc, c, dynamoDBActions(), nil, env, false); ok {
		return hit{resource: rp.table.ID, path: at(g), message: fmt.Sprintf("its %s lets %s read or write items (%s among them)", rp.label, who, g.action), info: true}, true
	}
	return hit{}, false
}

// documentOf gathers statements into one document.
func documentOf(statements []statement) cfn.PolicyDocument {
	doc := cfn.PolicyDocument{Statement: make([]cfn.Statement, len(statements))}
	for i, s := range statements {
		doc.Statement[i] = s.Statement
	}
	return doc
}
