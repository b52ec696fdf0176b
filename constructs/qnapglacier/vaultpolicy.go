package qnapglacier

import (
	"slices"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
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

// userPolicyDocument is the backup user's managed policy: the reference
// policy, with its placeholder resource replaced by vaultArn. With
// protectDays above 0, DeleteArchive moves to a statement of its own that
// allows it only for archives at least that many days old. It is built as
// one JSON document, one call to the CDK, not a call per statement.
func userPolicyDocument(vaultArn *string, protectDays float64) awsiam.PolicyDocument {
	actions := vaultActions
	if protectDays > 0 {
		actions = slices.DeleteFunc(slices.Clone(vaultActions), func(a string) bool { return a == deleteArchive })
	}
	statements := []any{
		map[string]any{"Sid": "AllowGlacierGlobal", "Effect": "Allow", "Action": globalActions, "Resource": "*"},
		map[string]any{"Sid": "AllowGlacierVault", "Effect": "Allow", "Action": actions, "Resource": vaultArn},
	}
	if protectDays > 0 {
		statements = append(statements, map[string]any{
			"Sid": "AllowDeleteOldArchivesOnly", "Effect": "Allow", "Action": deleteArchive, "Resource": vaultArn,
			"Condition": map[string]any{"NumericGreaterThanEquals": map[string]any{archiveAgeKey: days(protectDays)}},
		})
	}
	return awsiam.PolicyDocument_FromJson(map[string]any{"Version": "2012-10-17", "Statement": statements})
}

// days renders a day count as IAM condition values are written.
func days(n float64) string { return strconv.FormatFloat(n, 'f', 0, 64) }
