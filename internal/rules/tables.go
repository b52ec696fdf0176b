package rules

import "maps"

// Tags the stacks put on every resource (and on a vault they configure),
// for cost reports.
const (
	// ProjectTag is the tag key set to ProjectName.
	ProjectTag = "project"
	// ProjectName is the value of ProjectTag.
	ProjectName = "qnap-glacier"
	// VaultTag is the tag key set to the vault name on every resource of a
	// vault stack.
	VaultTag = "qnap-glacier:vault"
	// BucketTag is the tag key set to the bucket target's name on every
	// resource of a bucket stack.
	BucketTag = "qnap-glacier:bucket"
)

// WatcherSchedule is how often app mode's watcher looks at the vault: the
// longest the owner waits after the NAS created the vault.
const WatcherSchedule = "rate(1 hour)"

// AccountCheckType is the resource type of the custom resource that fails
// a vault stack's deploy when Glacier no longer serves the account.
const AccountCheckType = "Custom::GlacierAccountCheck"

// BudgetServices are the services the stacks use, as AWS Budgets (Cost
// Explorer's SERVICE dimension) spells them: the vault API, S3 (buckets,
// and the CDK's bootstrap assets), Secrets Manager (the key), SNS (the
// topics), Lambda (the watcher and the custom-resource handler) and
// CloudWatch (their logs and alarms).
var BudgetServices = []string{
	"Amazon Glacier",
	"Amazon Simple Storage Service",
	"AWS Secrets Manager",
	"Amazon Simple Notification Service",
	"AWS Lambda",
	"AmazonCloudWatch",
}

// VaultGlobalActions are the Glacier actions the backup app needs on "*":
// they act on the account, not on a vault, so IAM cannot scope them
// further. They match the reference policy
// (constructs/qnapglacier/testdata/qnap-policy.json is a copy).
var VaultGlobalActions = []string{
	"glacier:ListVaults",
	"glacier:GetDataRetrievalPolicy",
}

// VaultActions are the Glacier actions the backup app needs on its one
// vault, in the reference policy's order. CreateVault is here because the
// QNAP app refuses an existing vault and creates its own; the tag actions
// because newer QNAP versions tag the vault they create.
var VaultActions = []string{
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

// The S3 actions of a bucket's backup user, each with the reason it is
// there. Neither QNAP nor Synology publishes the actions their S3 clients
// need; this list follows the published lists of comparable apps
// (SyncBackPro; Veeam for Object Lock) and what rclone and restic were
// seen to send (internal/clients runs them against the synthesized
// policies). docs/bucket.md's table is this list: keep them in step (a test
// checks that it names every action, and every action a client asks for
// that is not granted). Read them; never change them outside this file.

// BucketGlobalActions are granted on "*": IAM cannot scope them to a bucket.
var BucketGlobalActions = map[string]string{
	"s3:ListAllMyBuckets": "the set-up wizards of HBS 3 and Hyper Backup list the account's buckets to let you pick one; it shows names only, no contents",
}

// BucketActions are granted on the bucket itself.
var BucketActions = map[string]string{
	"s3:ListBucket":                       "list the backup's objects (what is there, what changed)",
	"s3:ListBucketVersions":               "list older versions, to restore a file as it was",
	"s3:ListBucketMultipartUploads":       "find unfinished uploads to resume or abort them",
	"s3:GetBucketLocation":                "find the bucket's region, and so its endpoint",
	"s3:GetBucketVersioning":              "check that versioning is on",
	"s3:GetBucketObjectLockConfiguration": "check whether Object Lock and a default retention are set",
}

// BucketObjectActions are granted on the bucket's objects.
var BucketObjectActions = map[string]string{
	"s3:PutObject":                "upload, including every step of a multipart upload",
	"s3:GetObject":                "read back (index files, restores)",
	"s3:GetObjectVersion":         "read an older version",
	"s3:DeleteObject":             "delete by the app's retention rules: in a versioned bucket this only adds a delete marker; the lifecycle removes the version later",
	"s3:AbortMultipartUpload":     "give up an unfinished upload",
	"s3:ListMultipartUploadParts": "resume an unfinished upload",
	"s3:RestoreObject":            "restore an object from GLACIER or DEEP_ARCHIVE before reading it",
	"s3:GetObjectRetention":       "read an object's Object Lock retention",
	"s3:PutObjectRetention":       "set or lengthen an object's retention (HBS 3's Object Lock option), in governance mode and up to ProtectArchivesDays only (the bucket policy denies the rest); shortening a governance retention needs s3:BypassGovernanceRetention, which the user never gets",
}

// BucketACLActions are granted on the bucket's objects only when the
// request's ACL is BucketObjectACL.
var BucketACLActions = map[string]string{
	"s3:PutObjectAcl": "upload with the header `x-amz-acl: bucket-owner-full-control` (rclone before 1.61 sends an ACL header on every upload and copy, S3 authorizes such an upload as s3:PutObjectAcl too); only with that ACL, the one a bucket with ACLs disabled accepts, and which changes nothing on it; the bucket policy denies every other ACL",
}

// BucketObjectACL is the one object ACL the backup user may send
// (x-amz-acl): on a bucket with ObjectOwnership BucketOwnerEnforced every
// other ACL header is refused (AccessControlListNotSupported), and this
// one grants nothing.
const BucketObjectACL = "bucket-owner-full-control"

// BucketNotGrantedActions are actions that backup clients ask for and the
// user does not get, with what to do instead.
var BucketNotGrantedActions = map[string]string{
	"s3:CreateBucket": "the stack creates the bucket with its protection; a client that would create it gets AccessDenied. rclone asks for it before copyto and rcat unless `no_check_bucket = true` is set (set it); HBS 3 must not create a bucket. Not granted even on this bucket's own name: rclone 1.60 sends its `acl` with CreateBucket as well, which needs s3:PutBucketAcl, and a user who may create the bucket could recreate it without its protection after an administrator deleted it",
}

// BucketDeniedActions are denied to the backup user by the bucket policy,
// whatever else an administrator might attach to the user later: with them
// a stolen key could destroy backups or undo the bucket's protection. A
// stolen key can add delete markers at worst; the lifecycle decides what is
// ever removed.
var BucketDeniedActions = []string{
	"s3:DeleteObjectVersion",
	"s3:BypassGovernanceRetention",
	"s3:PutObjectLegalHold",
	"s3:PutBucketPolicy",
	"s3:DeleteBucketPolicy",
	"s3:PutBucketVersioning",
	"s3:PutLifecycleConfiguration",
	"s3:PutBucketObjectLockConfiguration",
	"s3:PutEncryptionConfiguration",
	"s3:PutBucketPublicAccessBlock",
	"s3:PutBucketOwnershipControls",
	"s3:PutBucketAcl",
	"s3:PutObjectVersionAcl",
	"s3:PutBucketNotification",
	"s3:DeleteBucket",
}

// BucketRetentionActions are the user's actions that can set an object's
// retention.
var BucketRetentionActions = []string{"s3:PutObject", "s3:PutObjectRetention"}

// BucketUserActions returns the actions the backup user of a bucket may
// take, by where they apply ("*", "bucket", "objects"), each with its
// reason. s3:PutObjectAcl is among "objects", granted only with
// BucketObjectACL.
func BucketUserActions() map[string]map[string]string {
	objects := maps.Clone(BucketObjectActions)
	maps.Copy(objects, BucketACLActions)
	return map[string]map[string]string{
		"*":       maps.Clone(BucketGlobalActions),
		"bucket":  maps.Clone(BucketActions),
		"objects": objects,
	}
}
