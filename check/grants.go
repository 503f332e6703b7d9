package check

import (
	"slices"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// Grants is what a template's identity policies give each principal it
// makes or names: the statements of every policy a holder has, wherever
// the template writes it (a role's own, an AWS::IAM::Policy that names the
// role, a SAM function's Policies and connectors, its group's for a user),
// so that a statement moved from one to another is the same grant.
type Grants struct {
	// ByHolder maps a holder to what it is given.
	ByHolder map[string]Grant
	// Holders maps a resource that writes identity policies to the
	// holders of what it writes.
	Holders map[string][]string
}

// Grant is what one holder is given.
type Grant struct {
	Policy cfn.PolicyDocument
	// Unread tells what the holder has that cannot be read as a policy:
	// a managed policy gen check does not know, a document only
	// deployment gives. Whoever compares grants takes it as broader when
	// it changes.
	Unread []string
}

// GrantsOf collects the grants of a template, judged as Run judges it
// (cfn.Template.Normalize). A holder is a logical id of the template, or,
// for one it does not make, the name or ARN it is written as.
func GrantsOf(t *cfn.Template) Grants {
	t = t.Normalize()
	out := map[string]Grant{}
	held := map[string][]string{}
	add := func(holder string, p iamPolicy) {
		if !slices.Contains(held[p.resource.ID], holder) {
			held[p.resource.ID] = append(held[p.resource.ID], holder)
		}
		g := out[holder]
		statements, err := p.statements()
		if err != nil {
			g.Unread = append(g.Unread, cfn.Text(cfn.At(p.resource.Entry, pointable(p.resource, p.path)...)))
		}
		for _, s := range statements {
			g.Policy.Statement = append(g.Policy.Statement, s.Statement)
		}
		out[holder] = g
	}
	policies := iamPoliciesOf(t)
	for _, p := range policies {
		for _, holder := range holdersOf(t, p) {
			add(holder, p)
		}
	}
	// A role, user or group that attaches a managed policy of the template.
	for _, r := range t.Resources("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group") {
		for _, arn := range cfn.List(r.Prop("ManagedPolicyArns")) {
			id, _ := cfn.RefTarget(arn)
			for _, p := range policies {
				if p.resource.ID == id && p.resource.Type == "AWS::IAM::ManagedPolicy" {
					add(r.ID, p)
				}
			}
		}
	}
	for user, groups := range groupsOf(t) {
		for _, group := range groups {
			g := out[user]
			g.Policy.Statement = append(g.Policy.Statement, out[group].Policy.Statement...)
			g.Unread = append(g.Unread, out[group].Unread...)
			out[user] = g
		}
	}
	return Grants{ByHolder: out, Holders: held}
}

// holdersOf names who holds an identity policy of the template.
func holdersOf(t *cfn.Template, p iamPolicy) []string {
	r := p.resource
	switch r.Type {
	case "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group", "AWS::SSO::PermissionSet":
		return []string{r.ID}
	case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
		var out []string
		for _, property := range []string{"Roles", "Users", "Groups"} {
			out = append(out, holderIDs(t, r.Prop(property))...)
		}
		return out
	case "AWS::IAM::RolePolicy":
		return holderIDs(t, r.Prop("RoleName"))
	case "AWS::IAM::UserPolicy":
		return holderIDs(t, r.Prop("UserName"))
	case "AWS::IAM::GroupPolicy":
		return holderIDs(t, r.Prop("GroupName"))
	case "AWS::Serverless::Connector":
		id, _ := cfn.At(r.Prop("Source"), "Id").(string)
		if source, ok := t.Resource(id); ok && RoleOf(source) != "" {
			return []string{RoleOf(source)}
		}
		return nil
	}
	if len(p.path) > 0 && p.path[0] == "Connectors" {
		return []string{RoleOf(r)} // a connector the source embeds
	}
	if r.Type == "AWS::Serverless::Function" || r.Type == "AWS::Serverless::StateMachine" {
		return []string{RoleOf(r)}
	}
	return nil
}

// RoleOf names the role a function or state machine runs as: the role its
// Role names, by logical id where the template makes it; for a SAM one
// without a Role, the role the SAM transform makes for it.
func RoleOf(r cfn.Resource) string {
	role := r.Prop("Role")
	if role == nil {
		role = r.Prop("RoleArn")
	}
	if role == nil && (r.Type == "AWS::Serverless::Function" || r.Type == "AWS::Serverless::StateMachine") {
		return r.ID + "Role"
	}
	if names := principalNames(role); len(names) == 1 {
		return names[0]
	}
	return ""
}

// principalNames reads principals written as references or names: the logical id
// of a Ref or Fn::GetAtt, else the text.
func principalNames(v any) []string {
	var out []string
	for _, e := range cfn.List(v) {
		if id, ok := cfn.RefTarget(e); ok {
			out = append(out, id)
		} else {
			out = append(out, cfn.Text(e))
		}
	}
	return out
}

// holderIDs reads roles, users or groups as a policy names them: by a
// reference, or by name, a role of the template that gives itself that
// RoleName being that role; the logical id of each, or the name of one the
// template does not make.
func holderIDs(t *cfn.Template, v any) []string {
	names := principalNames(v)
	for i, name := range names {
		for _, h := range t.Resources("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group") {
			property := map[string]string{"AWS::IAM::Role": "RoleName", "AWS::IAM::User": "UserName", "AWS::IAM::Group": "GroupName"}[h.Type]
			if given := h.Prop(property); given != nil && cfn.Text(given) == name {
				names[i] = h.ID
			}
		}
	}
	return names
}

// groupsOf gives the groups each user of the template is in: its Groups,
// and each AWS::IAM::UserToGroupAddition that names it.
func groupsOf(t *cfn.Template) map[string][]string {
	out := map[string][]string{}
	for _, u := range t.Resources("AWS::IAM::User") {
		if u.Prop("Groups") != nil {
			out[u.ID] = append(out[u.ID], holderIDs(t, u.Prop("Groups"))...)
		}
	}
	for _, a := range t.Resources("AWS::IAM::UserToGroupAddition") {
		for _, group := range holderIDs(t, a.Prop("GroupName")) {
			for _, user := range holderIDs(t, a.Prop("Users")) {
				if !slices.Contains(out[user], group) {
					out[user] = append(out[user], group)
				}
			}
		}
	}
	return out
}
