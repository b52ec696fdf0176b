package qnapglacier

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// namesScopeID is the construct, at stack scope, under which each
// BackupUser and BackupBucket claims its IAM names. It and its children synthesize to
// nothing.
const namesScopeID = "QnapGlacierNames"

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
	var names constructs.Construct
	if c := stack.Node().TryFindChild(jsii.String(namesScopeID)); c != nil {
		names = c.(constructs.Construct)
	} else {
		names = constructs.NewConstruct(stack, jsii.String(namesScopeID))
	}
	for _, n := range []struct{ kind, field, name string }{
		{"user", "UserName", userName},
		{"managed policy", policyField, policyName},
	} {
		if strings.Contains(n.name, "${Token[") {
			continue
		}
		id := jsii.String(idFor(n.kind, n.name))
		if owner := names.Node().TryFindChild(id); owner != nil {
			return fmt.Errorf("%s: IAM %s name %q is taken in stack %s by %s: IAM names are unique per account and "+
				"ignore letter case; give %s a value of its own",
				path, n.kind, n.name, *stack.StackName(), ownerPath(owner), n.field)
		}
		claim := constructs.NewConstruct(names, id)
		claim.Node().AddMetadata(jsii.String(ownerMetadata), path, nil)
	}
	return nil
}

// ownerMetadata is the metadata type that names a claim's BackupUser or
// BackupBucket.
const ownerMetadata = "qnap-glacier:owner"

func ownerPath(claim constructs.IConstruct) string {
	for _, m := range *claim.Node().Metadata() {
		if *m.Type == ownerMetadata {
			return fmt.Sprint(m.Data)
		}
	}
	return "another BackupUser or BackupBucket"
}
