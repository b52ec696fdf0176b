package qnapglacier

import (
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

// userPolicyStatements are the statements of the backup user's managed
// policy: the reference policy, with its placeholder resource replaced by
// vaultArn.
func userPolicyStatements(vaultArn *string) *[]awsiam.PolicyStatement {
	return &[]awsiam.PolicyStatement{
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("AllowGlacierGlobal"),
			Actions:   jsii.Strings(globalActions...),
			Resources: jsii.Strings("*"),
		}),
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("AllowGlacierVault"),
			Actions:   jsii.Strings(vaultActions...),
			Resources: &[]*string{vaultArn},
		}),
	}
}
