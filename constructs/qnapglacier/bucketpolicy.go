package qnapglacier

import (
	"maps"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"
)

// The S3 actions of a bucket's backup user, each with the reason it is
// there. Neither QNAP nor Synology publishes the actions their S3 clients
// need; this list follows the published lists of comparable apps
// (SyncBackPro; Veeam for Object Lock) and what rclone and restic were
// seen to send (internal/clients runs them against the synthesized
// policies). The README's table is this list: keep them in step (a test
// checks that it names every action, and every action a client asks for
// that is not granted).

// bucketGlobalActions are granted on "*": IAM cannot scope them to a bucket.
var bucketGlobalActions = map[string]string{
	"s3:ListAllMyBuckets": "the set-up wizards of HBS 3 and Hyper Backup list the account's buckets to let you pick one; it shows names only, no contents",
}

// bucketActions are granted on the bucket itself.
var bucketActions = map[string]string{
	"s3:ListBucket":                       "list the backup's objects (what is there, what changed)",
	"s3:ListBucketVersions":               "list older versions, to restore a file as it was",
	"s3:ListBucketMultipartUploads":       "find unfinished uploads to resume or abort them",
	"s3:GetBucketLocation":                "find the bucket's region, and so its endpoint",
	"s3:GetBucketVersioning":              "check that versioning is on",
	"s3:GetBucketObjectLockConfiguration": "check whether Object Lock and a default retention are set",
}

// bucketObjectActions are granted on the bucket's objects.
var bucketObjectActions = map[string]string{
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

// bucketACLActions are granted on the bucket's objects only when the
// request's ACL is the one a bucket with ACLs disabled accepts.
var bucketACLActions = map[string]string{
	"s3:PutObjectAcl": "upload with the header `x-amz-acl: bucket-owner-full-control` (rclone before 1.61 sends an ACL header on every upload and copy, S3 authorizes such an upload as s3:PutObjectAcl too); only with that ACL, the one a bucket with ACLs disabled accepts, and which changes nothing on it; the bucket policy denies every other ACL",
}

// bucketACL is the one object ACL the backup user may send: on a bucket
// with ObjectOwnership BucketOwnerEnforced every other ACL header is
// refused (AccessControlListNotSupported), and this one grants nothing.
const bucketACL = "bucket-owner-full-control"

// bucketNotGrantedActions are actions that backup clients ask for and the
// user does not get, with what to do instead.
var bucketNotGrantedActions = map[string]string{
	"s3:CreateBucket": "the stack creates the bucket with its protection; a client that would create it gets AccessDenied. rclone asks for it before copyto and rcat unless `no_check_bucket = true` is set (set it); HBS 3 must not create a bucket. Not granted even on this bucket's own name: rclone 1.60 sends its `acl` with CreateBucket as well, which needs s3:PutBucketAcl, and a user who may create the bucket could recreate it without its protection after an administrator deleted it",
}

// bucketDeniedActions are denied to the backup user by the bucket policy,
// whatever else an administrator might attach to the user later: with them
// a stolen key could destroy backups or undo the bucket's protection. A
// stolen key can add delete markers at worst; the lifecycle decides what is
// ever removed.
var bucketDeniedActions = []string{
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

// bucketRetentionDenials are the bucket policy's limits on the retention
// the backup user may set, with s3:PutObject (x-amz-object-lock-* headers)
// or s3:PutObjectRetention: never compliance mode, which nobody, not even
// the account's administrators, can lift before it ends; and never longer
// than protectDays, so a stolen key cannot lock backups for decades. With
// protection off (protectDays 0) the user can set no retention at all.
// Uploads without Object Lock headers carry neither condition key and get
// the bucket's default retention, which only the stack sets.
func bucketRetentionDenials(user, objects *string, protectDays float64) []awsiam.PolicyStatement {
	deny := func(sid string, condition map[string]any) awsiam.PolicyStatement {
		return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String(sid),
			Effect:     awsiam.Effect_DENY,
			Principals: &[]awsiam.IPrincipal{awsiam.NewArnPrincipal(user)},
			Actions:    jsii.Strings(bucketRetentionActions...),
			Resources:  &[]*string{objects},
			Conditions: &condition,
		})
	}
	return []awsiam.PolicyStatement{
		deny("DenyTheBackupUserComplianceRetention", map[string]any{
			"StringEquals": map[string]any{"s3:object-lock-mode": "COMPLIANCE"},
		}),
		deny("DenyTheBackupUserRetentionBeyondProtectArchivesDays", map[string]any{
			"NumericGreaterThan": map[string]any{"s3:object-lock-remaining-retention-days": protectDays},
		}),
	}
}

// bucketACLDenial is the bucket policy's limit on the object ACLs the
// backup user may send: s3:PutObjectAcl (with PutObject,
// CreateMultipartUpload, CopyObject or alone) with any ACL but
// bucket-owner-full-control, including an ACL in a request body or grant
// headers, which carry no x-amz-acl at all (StringNotEquals matches a
// missing key).
func bucketACLDenial(user, objects *string) awsiam.PolicyStatement {
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("DenyTheBackupUserObjectACLsButBucketOwnerFullControl"),
		Effect:     awsiam.Effect_DENY,
		Principals: &[]awsiam.IPrincipal{awsiam.NewArnPrincipal(user)},
		Actions:    jsii.Strings(slices.Sorted(maps.Keys(bucketACLActions))...),
		Resources:  &[]*string{objects},
		Conditions: &map[string]any{"StringNotEquals": map[string]any{"s3:x-amz-acl": bucketACL}},
	})
}

// bucketRetentionActions are the user's actions that can set an object's
// retention.
var bucketRetentionActions = []string{"s3:PutObject", "s3:PutObjectRetention"}

// BucketUserActions returns the actions the backup user of a bucket may
// take, by where they apply ("*", "bucket", "objects"), each with its
// reason. s3:PutObjectAcl is among "objects", granted only with the ACL
// bucket-owner-full-control.
func BucketUserActions() map[string]map[string]string {
	objects := maps.Clone(bucketObjectActions)
	maps.Copy(objects, bucketACLActions)
	return map[string]map[string]string{
		"*":       maps.Clone(bucketGlobalActions),
		"bucket":  maps.Clone(bucketActions),
		"objects": objects,
	}
}

// BucketUserNotGrantedActions returns the actions backup clients ask for
// that the bucket's user does not get, each with what to do instead.
func BucketUserNotGrantedActions() map[string]string { return maps.Clone(bucketNotGrantedActions) }

// BucketObjectACL is the one ACL header value the bucket's user may send
// (x-amz-acl), the one a bucket with ACLs disabled accepts.
const BucketObjectACL = bucketACL

// BucketUserDeniedActions returns the actions the bucket policy denies the
// backup user.
func BucketUserDeniedActions() []string { return slices.Clone(bucketDeniedActions) }

// bucketUserPolicyDocument is the bucket's backup user's managed policy,
// built as one JSON document (one call to the CDK).
func bucketUserPolicyDocument(bucketArn, objectsArn *string) awsiam.PolicyDocument {
	keys := func(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
	return awsiam.PolicyDocument_FromJson(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{"Sid": "ListBucketsForSetUp", "Effect": "Allow", "Action": keys(bucketGlobalActions), "Resource": "*"},
			map[string]any{"Sid": "UseTheBackupBucket", "Effect": "Allow", "Action": keys(bucketActions), "Resource": bucketArn},
			map[string]any{"Sid": "UseTheBackupObjects", "Effect": "Allow", "Action": keys(bucketObjectActions), "Resource": objectsArn},
			map[string]any{
				"Sid": "UploadWithTheOneACLTheBucketAccepts", "Effect": "Allow", "Action": keys(bucketACLActions), "Resource": objectsArn,
				"Condition": map[string]any{"StringEquals": map[string]any{"s3:x-amz-acl": bucketACL}},
			},
		},
	})
}
