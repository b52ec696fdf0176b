package qnapglacier

import (
	"slices"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"
)

// globalActions are the Glacier actions the backup app needs on "*": they
// act on the account, not on a vault, so IAM cannot scope them further.
// They match the reference policy (testdata/qnap-policy.json is a copy).
var globalActions = []string{
	"glacier:ListVaults",
	"glacier:GetDataRetrievalPolicy",
}

// vaultActions are the Glacier actions the backup app needs on its one
// vault, in the reference policy's order. CreateVault is here because the
// QNAP app refuses an existing vault and creates its own; the tag actions
// because newer QNAP versions tag the vault they create.
var vaultActions = []string{
	"glacier:UploadMultipartPart",
	"glacier:UploadArchive",
	"glacier:ListTagsForVault",
	"glacier:ListParts",
	"glacier:ListMultipartUploads",
	"glacier:ListJobs",
	"glacier:InitiateMultipartUpload",
	"glacier:InitiateJob",
	"glacier:GetVaultNotifications",
	"glacier:GetVaultLock",
	"glacier:GetVaultAccessPolicy",
	"glacier:GetJobOutput",
	"glacier:DescribeVault",
	"glacier:DescribeJob",
	"glacier:DeleteArchive",
	"glacier:CreateVault",
	"glacier:CompleteMultipartUpload",
	"glacier:AbortMultipartUpload",
	"glacier:RemoveTagsFromVault",
	"glacier:AddTagsToVault",
}

// deleteArchive is the one vault action that ProtectArchivesDays limits.
const deleteArchive = "glacier:DeleteArchive"

// archiveAgeKey is the condition key Glacier sets on DeleteArchive requests.
const archiveAgeKey = "glacier:ArchiveAgeInDays"

// userPolicyStatements are the statements of the backup user's managed
// policy: the reference policy, with its placeholder resource replaced by
// vaultArn. With protectDays above 0, DeleteArchive moves to a statement of
// its own that allows it only for archives at least that many days old.
func userPolicyStatements(vaultArn *string, protectDays float64) *[]awsiam.PolicyStatement {
	actions := vaultActions
	if protectDays > 0 {
		actions = slices.DeleteFunc(slices.Clone(vaultActions), func(a string) bool { return a == deleteArchive })
	}
	statements := []awsiam.PolicyStatement{
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("AllowGlacierGlobal"),
			Actions:   jsii.Strings(globalActions...),
			Resources: jsii.Strings("*"),
		}),
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("AllowGlacierVault"),
			Actions:   jsii.Strings(actions...),
			Resources: &[]*string{vaultArn},
		}),
	}
	if protectDays > 0 {
		statements = append(statements, awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("AllowDeleteOldArchivesOnly"),
			Actions:    jsii.Strings(deleteArchive),
			Resources:  &[]*string{vaultArn},
			Conditions: &map[string]any{"NumericGreaterThanEquals": map[string]any{archiveAgeKey: days(protectDays)}},
		}))
	}
	return &statements
}

// days renders a day count as IAM condition values are written.
func days(n float64) string { return strconv.FormatFloat(n, 'f', 0, 64) }
