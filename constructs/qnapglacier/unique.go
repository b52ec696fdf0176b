package qnapglacier

import (
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
)

// stackClaims holds, per stack, the IAM user and managed policy names
// claimed so far (by idFor of kind and name) and who claimed each. It
// lives on the Go side: keeping the claims in the construct tree cost a
// dozen jsii round trips per BackupUser or BackupBucket. jsii hands Go the
// same value for a stack each time, so the stack is the key.
var stackClaims = struct {
	sync.Mutex
	m map[awscdk.Stack]map[string]string
}{m: map[awscdk.Stack]map[string]string{}}

// claimNames takes the IAM user and managed policy names of a BackupUser
// or BackupBucket at path for its stack, or reports who has them.
// policyField is the prop the policy name derives from ("VaultName",
// "Name"), for the message. IAM names are unique per account and ignore
// letter case, so two targets in one stack whose names differ only in case
// ("Photos-user", "photos-user"), or two for the same vault or bucket, would
// synthesize but fail at deploy. Names that are tokens cannot be compared
// and are not claimed.
func claimNames(scope constructs.Construct, path, userName, policyName, policyField string) error {
	stack := awscdk.Stack_Of(scope)
	stackClaims.Lock()
	defer stackClaims.Unlock()
	names := stackClaims.m[stack]
	if names == nil {
		names = map[string]string{}
		stackClaims.m[stack] = names
	}
	claims := []struct{ kind, field, name string }{
		{"user", "UserName", userName},
		{"managed policy", policyField, policyName},
	}
	for _, n := range claims {
		if strings.Contains(n.name, "${Token[") {
			continue
		}
		if owner, taken := names[idFor(n.kind, n.name)]; taken {
			return fmt.Errorf("%s: IAM %s name %q is taken in stack %s by %s: IAM names are unique per account and "+
				"ignore letter case; give %s a value of its own",
				path, n.kind, n.name, *stack.StackName(), owner, n.field)
		}
	}
	for _, n := range claims {
		if !strings.Contains(n.name, "${Token[") {
			names[idFor(n.kind, n.name)] = path
		}
	}
	return nil
}
