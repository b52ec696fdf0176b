package qnapglacier

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
)

// claimant is the BackupUser or BackupBucket with ID id under scope. Its
// path is read (a jsii round trip) only for an error message.
type claimant struct {
	scope constructs.Construct
	id    string
}

func (c claimant) path() string { return *c.scope.Node().Path() + "/" + c.id }

// claimNames takes the IAM user and managed policy names of a BackupUser
// or BackupBucket (id, under scope, in stack) for its stack, or reports
// who has them. The claims live on the Go side (stackState): keeping them
// in the construct tree cost a dozen jsii round trips per target.
// policyField is the prop the policy name derives from ("VaultName",
// "Name"), for the message. IAM names are unique per account and ignore
// letter case, so two targets in one stack whose names differ only in
// case ("Photos-user", "photos-user"), or two for the same vault or
// bucket, would synthesize but fail at deploy. Names that are tokens
// cannot be compared and are not claimed.
func claimNames(stack awscdk.Stack, scope constructs.Construct, id, userName, policyName, policyField string) error {
	names := stateOf(stack).claims
	claims := []struct{ kind, field, name string }{
		{"user", "UserName", userName},
		{"managed policy", policyField, policyName},
	}
	me := claimant{scope, id}
	for _, n := range claims {
		if strings.Contains(n.name, "${Token[") {
			continue
		}
		if owner, taken := names[idFor(n.kind, n.name)]; taken {
			return fmt.Errorf("%s: IAM %s name %q is taken in stack %s by %s: IAM names are unique per account and "+
				"ignore letter case; give %s a value of its own",
				me.path(), n.kind, n.name, *stack.StackName(), owner.path(), n.field)
		}
	}
	for _, n := range claims {
		if !strings.Contains(n.name, "${Token[") {
			names[idFor(n.kind, n.name)] = me
		}
	}
	return nil
}
