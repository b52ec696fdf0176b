package qnapglacier

import (
	"maps"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// The S3 actions of a bucket's backup user, with the reason each is there,
// are tables in internal/rules (rules.Bucket*Actions), which the docs'
// tests read too.

// bucketRetentionDenials are the bucket policy's limits on the retention
// the backup user may set, with s3:PutObject (x-amz-object-lock-* headers)
// or s3:PutObjectRetention: never compliance mode, which nobody, not even
// the account's administrators, can lift before it ends; and never longer
// than protectDays, so a stolen key cannot lock backups for decades. With
// protection off (protectDays 0) the user can set no retention at all.
// Uploads without Object Lock headers carry neither condition key and get
// the bucket's default retention, which only the stack sets.
func bucketRetentionDenials(user awsiam.IPrincipal, objects *string, protectDays float64) []awsiam.PolicyStatement {
	deny := func(sid string, condition map[string]any) awsiam.PolicyStatement {
		return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String(sid),
			Effect:     awsiam.Effect_DENY,
			Principals: &[]awsiam.IPrincipal{user},
			Actions:    jsii.Strings(rules.BucketRetentionActions...),
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
func bucketACLDenial(user awsiam.IPrincipal, objects *string) awsiam.PolicyStatement {
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("DenyTheBackupUserObjectACLsButBucketOwnerFullControl"),
		Effect:     awsiam.Effect_DENY,
		Principals: &[]awsiam.IPrincipal{user},
		Actions:    jsii.Strings(slices.Sorted(maps.Keys(rules.BucketACLActions))...),
		Resources:  &[]*string{objects},
		Conditions: &map[string]any{"StringNotEquals": map[string]any{"s3:x-amz-acl": rules.BucketObjectACL}},
	})
}

// bucketUserPolicyDocument is the bucket's backup user's managed policy,
// built as one JSON document (one call to the CDK).
func bucketUserPolicyDocument(bucketArn, objectsArn *string) awsiam.PolicyDocument {
	keys := func(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
	return awsiam.PolicyDocument_FromJson(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{"Sid": "ListBucketsForSetUp", "Effect": "Allow", "Action": keys(rules.BucketGlobalActions), "Resource": "*"},
			map[string]any{"Sid": "UseTheBackupBucket", "Effect": "Allow", "Action": keys(rules.BucketActions), "Resource": bucketArn},
			map[string]any{"Sid": "UseTheBackupObjects", "Effect": "Allow", "Action": keys(rules.BucketObjectActions), "Resource": objectsArn},
			map[string]any{
				"Sid": "UploadWithTheOneACLTheBucketAccepts", "Effect": "Allow", "Action": keys(rules.BucketACLActions), "Resource": objectsArn,
				"Condition": map[string]any{"StringEquals": map[string]any{"s3:x-amz-acl": rules.BucketObjectACL}},
			},
		},
	})
}
