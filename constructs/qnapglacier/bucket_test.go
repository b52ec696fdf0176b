package qnapglacier_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
	"github.com/qnap-glacier/qnap-glacier/internal/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const defaultBucket = "family-photos"

// bucketStack builds a one-bucket stack in its own app, environment-agnostic
// unless env is given.
func bucketStack(props qnapglacier.BackupBucketProps, env *awscdk.Environment) awscdk.Stack {
	app := cdktest.NewApp(nil, nil)
	return qnapglacier.NewBucketStack(app, jsii.String("Test"), &qnapglacier.BucketStackProps{
		StackProps:   awscdk.StackProps{Env: env},
		BackupBucket: props,
	})
}

// defaultBucketTemplate is a bucket with nothing but its name, and one
// e-mail address.
func defaultBucketTemplate(t *testing.T) assertions.Template {
	return fixtures.Template(t, "bucket-default", func() awscdk.Stack {
		return bucketStack(qnapglacier.BackupBucketProps{
			Name:         jsii.String(defaultBucket),
			NotifyEmails: []string{"owner@example.com"},
		}, nil)
	})
}

// protectedBucketTemplate has every setting given, in a stack with an
// account and region.
func protectedBucketTemplate(t *testing.T) assertions.Template {
	return fixtures.Template(t, "bucket-protected", func() awscdk.Stack {
		return bucketStack(qnapglacier.BackupBucketProps{
			Name:                jsii.String("holiday"),
			BucketName:          jsii.String("my-holiday-backups"),
			StorageClass:        qnapglacier.StorageClassDeepArchive,
			ArchiveAfterDays:    jsii.Number(30),
			ProtectArchivesDays: jsii.Number(365),
		}, &awscdk.Environment{Account: jsii.String("111122223333"), Region: jsii.String("eu-west-1")})
	})
}

func join(parts ...any) map[string]any { return map[string]any{"Fn::Join": []any{"", parts}} }

var (
	refAccount   = map[string]any{"Ref": "AWS::AccountId"}
	refRegion    = map[string]any{"Ref": "AWS::Region"}
	refPartition = map[string]any{"Ref": "AWS::Partition"}
)

// derivedBucketArn is the default bucket's ARN in an environment-agnostic
// stack: built from its name, with the stack's partition.
func derivedBucketArn(suffix string) map[string]any {
	parts := []any{"arn:", refPartition, ":s3:::" + defaultBucket + "-", refAccount, "-", refRegion}
	if suffix != "" {
		parts = append(parts, suffix)
	}
	return join(parts...)
}

func theBucket(t *testing.T, tpl assertions.Template) (string, map[string]any) {
	return cdktest.Only(t, tpl, "AWS::S3::Bucket")
}

func TestBucketIsVersionedPrivateEncryptedOwnerEnforcedAndRetained(t *testing.T) {
	for name, tpl := range map[string]assertions.Template{"default": defaultBucketTemplate(t), "protected": protectedBucketTemplate(t)} {
		_, bucket := theBucket(t, tpl)
		assert.Equal(t, "Retain", bucket["DeletionPolicy"], "%s: cdk destroy keeps the backups", name)
		assert.Equal(t, "Retain", bucket["UpdateReplacePolicy"], name)
		p := cdktest.Props(bucket)
		assert.Equal(t, map[string]any{"Status": "Enabled"}, p["VersioningConfiguration"], name)
		assert.Equal(t, map[string]any{
			"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true,
		}, p["PublicAccessBlockConfiguration"], name)
		assert.Equal(t, map[string]any{"ServerSideEncryptionConfiguration": []any{
			map[string]any{"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "AES256"}},
		}}, p["BucketEncryption"], name)
		assert.Equal(t, map[string]any{"Rules": []any{map[string]any{"ObjectOwnership": "BucketOwnerEnforced"}}}, p["OwnershipControls"], name)
		assert.Equal(t, true, p["ObjectLockEnabled"], "%s: Object Lock is on from the start, so protection can follow", name)
		assert.NotContains(t, p, "AccessControl", name)
	}
}

func TestBucketPolicyRefusesRequestsWithoutTLS(t *testing.T) {
	tpl := defaultBucketTemplate(t)
	bucketID, _ := theBucket(t, tpl)
	_, policy := cdktest.Only(t, tpl, "AWS::S3::BucketPolicy")
	statements := cdktest.Props(policy)["PolicyDocument"].(map[string]any)["Statement"].([]any)
	assert.Contains(t, statements, map[string]any{
		"Effect": "Deny", "Principal": map[string]any{"AWS": "*"}, "Action": "s3:*",
		"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
		"Resource": []any{
			map[string]any{"Fn::GetAtt": []any{bucketID, "Arn"}},
			join(map[string]any{"Fn::GetAtt": []any{bucketID, "Arn"}}, "/*"),
		},
	})
}

func TestBucketPolicyIsRetainedWithTheBucket(t *testing.T) {
	for name, tpl := range map[string]assertions.Template{"default": defaultBucketTemplate(t), "protected": protectedBucketTemplate(t)} {
		_, policy := cdktest.Only(t, tpl, "AWS::S3::BucketPolicy")
		assert.Equal(t, "Retain", policy["DeletionPolicy"], "%s: the kept bucket keeps its TLS-only and deny statements", name)
		assert.Equal(t, "Retain", policy["UpdateReplacePolicy"], name)
	}
}

func TestBucketNameIsDerivedFromNameAccountAndRegion(t *testing.T) {
	_, bucket := theBucket(t, defaultBucketTemplate(t))
	assert.Equal(t, join(defaultBucket+"-", refAccount, "-", refRegion), cdktest.Props(bucket)["BucketName"],
		"environment-agnostic: joined by CloudFormation at deploy")
}

func TestDerivedBucketNameIsValidUniqueAndStable(t *testing.T) {
	app := cdktest.NewApp(nil, nil)
	placed := awscdk.NewStack(app, jsii.String("Placed"), &awscdk.StackProps{Env: &awscdk.Environment{
		Account: jsii.String("111122223333"), Region: jsii.String("ap-southeast-16x"), // 16 characters, longer than any region today
	}})
	long := strings.Repeat("photos-", 8) + "x"
	name := *defaultBucketNameForTest(long, placed)
	assert.NoError(t, rules.ValidateBucketName(name), name)
	assert.Len(t, name, 63)
	assert.Equal(t, "family-photos-111122223333-ap-southeast-16x", *defaultBucketNameForTest(defaultBucket, placed))
	other := *defaultBucketNameForTest(long+"y", placed)
	assert.NotEqual(t, name, other, "two long names that share a beginning still differ")
	assert.Equal(t, name[:24], other[:24])
	agnostic := awscdk.NewStack(app, jsii.String("Agnostic"), nil)
	tokenName := *defaultBucketNameForTest(long, agnostic)
	assert.True(t, strings.HasPrefix(tokenName, name[:33]+"-"), "the same cut with or without an account and region, so the bucket is never renamed")
}

func TestGivenBucketNameIsUsedAsIs(t *testing.T) {
	_, bucket := theBucket(t, protectedBucketTemplate(t))
	assert.Equal(t, "my-holiday-backups", cdktest.Props(bucket)["BucketName"])
}

func lifecycleRule(t *testing.T, tpl assertions.Template) (map[string]any, map[string]any) {
	_, bucket := theBucket(t, tpl)
	lc := cdktest.Props(bucket)["LifecycleConfiguration"].(map[string]any)
	rules := lc["Rules"].([]any)
	require.Len(t, rules, 1)
	return lc, rules[0].(map[string]any)
}

func TestLifecycleArchivesAtOnceKeepsSmallObjectsAndExpiresDeletedVersions(t *testing.T) {
	lc, rule := lifecycleRule(t, defaultBucketTemplate(t))
	assert.Equal(t, "all_storage_classes_128K", lc["TransitionDefaultMinimumObjectSize"], "objects under 128 KB stay in Standard")
	assert.Equal(t, map[string]any{
		"Id":                             "ArchiveAndExpire",
		"Status":                         "Enabled",
		"Transitions":                    []any{map[string]any{"StorageClass": "GLACIER_IR", "TransitionInDays": 0.0}},
		"NoncurrentVersionExpiration":    map[string]any{"NoncurrentDays": 90.0},
		"AbortIncompleteMultipartUpload": map[string]any{"DaysAfterInitiation": 7.0},
		"ExpiredObjectDeleteMarker":      true,
	}, rule)
}

func TestLifecycleFollowsClassDaysAndProtection(t *testing.T) {
	_, rule := lifecycleRule(t, protectedBucketTemplate(t))
	assert.Equal(t, []any{map[string]any{"StorageClass": "DEEP_ARCHIVE", "TransitionInDays": 30.0}}, rule["Transitions"])
	assert.Equal(t, map[string]any{"NoncurrentDays": 365.0}, rule["NoncurrentVersionExpiration"],
		"deleted versions are kept at least as long as they are locked")
}

func TestKeepDeletedDaysDefaultsToTheClassMinimumCharge(t *testing.T) {
	_, rule := lifecycleRule(t, defaultBucketTemplate(t))
	assert.Equal(t, map[string]any{"NoncurrentDays": 90.0}, rule["NoncurrentVersionExpiration"], "GLACIER_IR: 90 days")
	deep := fixtures.Template(t, "bucket-deep-archive", func() awscdk.Stack {
		return bucketStack(qnapglacier.BackupBucketProps{Name: jsii.String("deep"), StorageClass: qnapglacier.StorageClassDeepArchive}, nil)
	})
	_, rule = lifecycleRule(t, deep)
	assert.Equal(t, map[string]any{"NoncurrentDays": 180.0}, rule["NoncurrentVersionExpiration"], "DEEP_ARCHIVE: 180 days")
	assert.Equal(t, []any{map[string]any{"StorageClass": "DEEP_ARCHIVE", "TransitionInDays": 0.0}}, rule["Transitions"])
}

func TestObjectLockDefaultRetentionIsGovernanceForProtectArchivesDays(t *testing.T) {
	_, bucket := theBucket(t, protectedBucketTemplate(t))
	assert.Equal(t, map[string]any{
		"ObjectLockEnabled": "Enabled",
		"Rule":              map[string]any{"DefaultRetention": map[string]any{"Mode": "GOVERNANCE", "Days": 365.0}},
	}, cdktest.Props(bucket)["ObjectLockConfiguration"])
	_, plain := theBucket(t, defaultBucketTemplate(t))
	assert.NotContains(t, cdktest.Props(plain), "ObjectLockConfiguration", "no retention unless asked")
}

// bucketUserStatements returns the bucket user's policy statements by Sid.
func bucketUserStatements(t *testing.T, tpl assertions.Template) map[string]map[string]any {
	_, policy := cdktest.Only(t, tpl, "AWS::IAM::ManagedPolicy")
	out := map[string]map[string]any{}
	for _, s := range cdktest.Props(policy)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
		st := s.(map[string]any)
		assert.Equal(t, "Allow", st["Effect"])
		assert.NotContains(t, st, "NotAction")
		assert.NotContains(t, st, "NotResource")
		out[st["Sid"].(string)] = st
	}
	return out
}

func TestBucketUserMayDoExactlyTheBackupAppsJob(t *testing.T) {
	statements := bucketUserStatements(t, defaultBucketTemplate(t))
	require.Len(t, statements, 4)
	want := map[string]struct {
		resource any
		actions  []string
	}{
		"ListBucketsForSetUp": {"*", []string{"s3:ListAllMyBuckets"}},
		"UseTheBackupBucket": {derivedBucketArn(""), []string{
			"s3:GetBucketLocation", "s3:GetBucketObjectLockConfiguration", "s3:GetBucketVersioning",
			"s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions",
		}},
		"UseTheBackupObjects": {derivedBucketArn("/*"), []string{
			"s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:GetObjectRetention", "s3:GetObjectVersion",
			"s3:ListMultipartUploadParts", "s3:PutObject", "s3:PutObjectRetention", "s3:RestoreObject",
		}},
		"UploadWithTheOneACLTheBucketAccepts": {derivedBucketArn("/*"), []string{"s3:PutObjectAcl"}},
	}
	for sid, w := range want {
		st, ok := statements[sid]
		if !assert.True(t, ok, "statement %s", sid) {
			continue
		}
		assert.Equal(t, w.resource, st["Resource"], sid)
		assert.Equal(t, w.actions, sorted(strs(st["Action"])), sid)
	}
}

func TestBucketUserCanNeverDestroyBackupsOrUnprotectTheBucket(t *testing.T) {
	tpl := defaultBucketTemplate(t)
	var allowed []string
	for _, st := range bucketUserStatements(t, tpl) {
		allowed = append(allowed, strs(st["Action"])...)
	}
	mustNot := []string{
		"s3:DeleteObjectVersion", "s3:BypassGovernanceRetention", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
		"s3:PutBucketVersioning", "s3:PutLifecycleConfiguration", "s3:PutBucketObjectLockConfiguration",
		"s3:PutEncryptionConfiguration", "s3:PutBucketPublicAccessBlock", "s3:DeleteBucket", "s3:PutObjectLegalHold",
		"s3:PutBucketAcl", "s3:PutObjectVersionAcl", "s3:PutBucketOwnershipControls", "s3:CreateBucket",
	}
	for _, a := range allowed {
		assert.NotContains(t, a, "*", "no wildcard action: %s", a)
		assert.NotContains(t, mustNot, a)
	}
	// And the bucket policy denies them to the user, whatever else is
	// attached to the user later.
	userID, _ := cdktest.Only(t, tpl, "AWS::IAM::User")
	bucketID, _ := theBucket(t, tpl)
	_, policy := cdktest.Only(t, tpl, "AWS::S3::BucketPolicy")
	var deny map[string]any
	for _, s := range cdktest.Props(policy)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
		if st := s.(map[string]any); st["Sid"] == "DenyTheBackupUserDestructiveActions" {
			deny = st
		}
	}
	require.NotNil(t, deny)
	assert.Equal(t, "Deny", deny["Effect"])
	assert.Equal(t, map[string]any{"AWS": map[string]any{"Fn::GetAtt": []any{userID, "Arn"}}}, deny["Principal"])
	assert.Equal(t, []any{
		map[string]any{"Fn::GetAtt": []any{bucketID, "Arn"}},
		join(map[string]any{"Fn::GetAtt": []any{bucketID, "Arn"}}, "/*"),
	}, deny["Resource"])
	denied := strs(deny["Action"])
	for _, a := range mustNot {
		if a == "s3:CreateBucket" {
			continue // not a bucket's action; the user is never allowed it
		}
		assert.Contains(t, denied, a)
	}
	assert.ElementsMatch(t, rules.BucketDeniedActions, denied)
}

func TestBucketUserMaySendTheOneACLABucketWithoutACLsAccepts(t *testing.T) {
	tpl := defaultBucketTemplate(t)
	acl := bucketUserStatements(t, tpl)["UploadWithTheOneACLTheBucketAccepts"]
	require.NotNil(t, acl)
	assert.Equal(t, map[string]any{"StringEquals": map[string]any{"s3:x-amz-acl": "bucket-owner-full-control"}}, acl["Condition"],
		"s3:PutObjectAcl only with the ACL a bucket with ACLs disabled accepts")
	for sid, st := range bucketUserStatements(t, tpl) {
		if sid != "UploadWithTheOneACLTheBucketAccepts" {
			assert.NotContains(t, strs(st["Action"]), "s3:PutObjectAcl", sid)
			assert.NotContains(t, st, "Condition", sid)
		}
	}
	userID, _ := cdktest.Only(t, tpl, "AWS::IAM::User")
	bucketID, _ := theBucket(t, tpl)
	deny := bucketPolicyStatement(t, tpl, "DenyTheBackupUserObjectACLsButBucketOwnerFullControl")
	delete(deny, "Sid")
	assert.Equal(t, map[string]any{
		"Effect":    "Deny",
		"Principal": map[string]any{"AWS": map[string]any{"Fn::GetAtt": []any{userID, "Arn"}}},
		"Action":    "s3:PutObjectAcl",
		"Resource":  join(map[string]any{"Fn::GetAtt": []any{bucketID, "Arn"}}, "/*"),
		// StringNotEquals also matches a request with no x-amz-acl (an
		// ACL in the body, grant headers).
		"Condition": map[string]any{"StringNotEquals": map[string]any{"s3:x-amz-acl": "bucket-owner-full-control"}},
	}, deny)
	_, bucket := theBucket(t, tpl)
	assert.Equal(t, map[string]any{"Rules": []any{map[string]any{"ObjectOwnership": "BucketOwnerEnforced"}}},
		cdktest.Props(bucket)["OwnershipControls"], "ACLs stay disabled: an ACL grants nothing")
}

// bucketPolicyStatement returns the bucket policy's statement sid.
func bucketPolicyStatement(t *testing.T, tpl assertions.Template, sid string) map[string]any {
	t.Helper()
	_, policy := cdktest.Only(t, tpl, "AWS::S3::BucketPolicy")
	for _, s := range cdktest.Props(policy)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
		if st := s.(map[string]any); st["Sid"] == sid {
			return st
		}
	}
	t.Fatalf("the bucket policy has no statement %s", sid)
	return nil
}

func TestBucketUserCanNeverLockBackupsInComplianceModeOrPastTheProtectionPeriod(t *testing.T) {
	for _, c := range []struct {
		name        string
		tpl         assertions.Template
		protectDays float64
	}{
		{"protection off: no retention at all", defaultBucketTemplate(t), 0},
		{"protection on: governance up to protectArchivesDays", protectedBucketTemplate(t), 365},
	} {
		userID, _ := cdktest.Only(t, c.tpl, "AWS::IAM::User")
		bucketID, _ := theBucket(t, c.tpl)
		want := func(condition map[string]any) map[string]any {
			return map[string]any{
				"Effect":    "Deny",
				"Principal": map[string]any{"AWS": map[string]any{"Fn::GetAtt": []any{userID, "Arn"}}},
				"Action":    []any{"s3:PutObject", "s3:PutObjectRetention"},
				"Resource":  join(map[string]any{"Fn::GetAtt": []any{bucketID, "Arn"}}, "/*"),
				"Condition": condition,
			}
		}
		compliance := bucketPolicyStatement(t, c.tpl, "DenyTheBackupUserComplianceRetention")
		delete(compliance, "Sid")
		assert.Equal(t, want(map[string]any{"StringEquals": map[string]any{"s3:object-lock-mode": "COMPLIANCE"}}), compliance, c.name)
		longer := bucketPolicyStatement(t, c.tpl, "DenyTheBackupUserRetentionBeyondProtectArchivesDays")
		delete(longer, "Sid")
		assert.Equal(t, want(map[string]any{"NumericGreaterThan": map[string]any{"s3:object-lock-remaining-retention-days": c.protectDays}}), longer, c.name)
	}
}

func TestBucketUserPolicyIsNamedPathedAndAttached(t *testing.T) {
	tpl := defaultBucketTemplate(t)
	userID, _ := cdktest.Only(t, tpl, "AWS::IAM::User")
	cdktest.Assert(t, "user", func() {
		tpl.HasResourceProperties(jsii.String("AWS::IAM::User"), map[string]any{
			"UserName": defaultBucket + "-user", "Path": "/automation/",
			"Policies": assertions.Match_Absent(), "ManagedPolicyArns": assertions.Match_Absent(),
		})
	})
	cdktest.Assert(t, "policy", func() {
		tpl.HasResourceProperties(jsii.String("AWS::IAM::ManagedPolicy"), map[string]any{
			"ManagedPolicyName": "QNAPGlacierS3UserPolicy-" + defaultBucket,
			"Path":              "/automation/",
			"Users":             []any{map[string]any{"Ref": userID}},
		})
	})
	cdktest.Assert(t, "access key", func() {
		tpl.HasResourceProperties(jsii.String("AWS::IAM::AccessKey"), map[string]any{"Serial": 1, "UserName": map[string]any{"Ref": userID}})
	})
}

// restoreTopic returns the topic that S3 publishes to: the one the bucket's
// notification configuration names.
func restoreTopic(t *testing.T, tpl assertions.Template) (topicID string, digestID string) {
	_, bucket := theBucket(t, tpl)
	nc := cdktest.Props(bucket)["NotificationConfiguration"].(map[string]any)
	configs := nc["TopicConfigurations"].([]any)
	require.Len(t, configs, 1)
	c := configs[0].(map[string]any)
	assert.Equal(t, "s3:ObjectRestore:Completed", c["Event"])
	assert.NotContains(t, c, "Filter")
	topicID = c["Topic"].(map[string]any)["Ref"].(string)
	for id := range cdktest.Resources(tpl, "AWS::SNS::Topic") {
		if id != topicID {
			digestID = id
		}
	}
	require.NotEmpty(t, digestID)
	return topicID, digestID
}

func TestBucketSendsRestoreEventsToTheTopicWithoutCustomResources(t *testing.T) {
	tpl := defaultBucketTemplate(t)
	restoreTopic(t, tpl)
	doc := *tpl.ToJSON()
	for id, r := range doc["Resources"].(map[string]any) {
		typ := r.(map[string]any)["Type"].(string)
		assert.False(t, strings.HasPrefix(typ, "Custom::") || typ == "AWS::Lambda::Function" || typ == "AWS::CloudFormation::CustomResource",
			"%s is %s: the bucket stack runs no code at deploy time", id, typ)
	}
}

func TestBucketWaitsForTheTopicPolicyThatLetsOnlyThisBucketPublish(t *testing.T) {
	tpl := defaultBucketTemplate(t)
	topicID, _ := restoreTopic(t, tpl)
	_, bucket := theBucket(t, tpl)
	var policyID string
	var statements []any
	for id, p := range cdktest.Resources(tpl, "AWS::SNS::TopicPolicy") {
		if slices.ContainsFunc(cdktest.Props(p)["Topics"].([]any), func(v any) bool { return v.(map[string]any)["Ref"] == topicID }) {
			policyID, statements = id, cdktest.Props(p)["PolicyDocument"].(map[string]any)["Statement"].([]any)
		}
	}
	require.NotEmpty(t, policyID)
	assert.Contains(t, strs(bucket["DependsOn"]), policyID, "S3 checks the topic policy when the notification is set")
	assert.Contains(t, statements, map[string]any{
		"Sid": "AllowS3PublishFromTheBackupBucket", "Effect": "Allow",
		"Principal": map[string]any{"Service": "s3.amazonaws.com"}, "Action": "sns:Publish",
		"Resource": map[string]any{"Ref": topicID},
		"Condition": map[string]any{
			"ArnEquals":    map[string]any{"aws:SourceArn": derivedBucketArn("")},
			"StringEquals": map[string]any{"aws:SourceAccount": refAccount},
		},
	})
	assert.Contains(t, statements, map[string]any{
		"Sid": "AllowPublishThroughSSLOnly", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish",
		"Resource": map[string]any{"Ref": topicID}, "Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
	})
	assert.Len(t, statements, 2, "S3 for this bucket is the only publisher: no Glacier statement on a bucket's topic")
}

func TestEmailsGetAnHourlyDigestNotOneMailPerObject(t *testing.T) {
	tpl := defaultBucketTemplate(t)
	topicID, digestID := restoreTopic(t, tpl)
	alarmID, alarm := cdktest.Only(t, tpl, "AWS::CloudWatch::Alarm")
	p := cdktest.Props(alarm)
	assert.Equal(t, "AWS/SNS", p["Namespace"])
	assert.Equal(t, "NumberOfMessagesPublished", p["MetricName"])
	assert.Equal(t, []any{map[string]any{"Name": "TopicName", "Value": map[string]any{"Fn::GetAtt": []any{topicID, "TopicName"}}}}, p["Dimensions"],
		"counts the restore topic's messages")
	assert.Equal(t, "Sum", p["Statistic"])
	assert.Equal(t, 3600.0, p["Period"])
	assert.Equal(t, 1.0, p["Threshold"])
	assert.Equal(t, 1.0, p["EvaluationPeriods"])
	assert.Equal(t, "GreaterThanOrEqualToThreshold", p["ComparisonOperator"])
	assert.Equal(t, "notBreaching", p["TreatMissingData"])
	digest := []any{map[string]any{"Ref": digestID}}
	assert.Equal(t, digest, p["AlarmActions"])
	assert.Equal(t, digest, p["OKActions"])
	assert.NotContains(t, p, "InsufficientDataActions")

	subs := cdktest.Resources(tpl, "AWS::SNS::Subscription")
	require.Len(t, subs, 1)
	for _, s := range subs {
		assert.Equal(t, map[string]any{"Protocol": "email", "Endpoint": "owner@example.com", "TopicArn": map[string]any{"Ref": digestID}}, cdktest.Props(s),
			"e-mail subscribes to the digest, never to the per-object topic")
	}
	var statements []any
	for _, pol := range cdktest.Resources(tpl, "AWS::SNS::TopicPolicy") {
		if cdktest.Props(pol)["Topics"].([]any)[0].(map[string]any)["Ref"] == digestID {
			statements = cdktest.Props(pol)["PolicyDocument"].(map[string]any)["Statement"].([]any)
		}
	}
	assert.Contains(t, statements, map[string]any{
		"Sid": "AllowTheRestoreAlarmToPublish", "Effect": "Allow",
		"Principal": map[string]any{"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish",
		"Resource": map[string]any{"Ref": digestID},
		"Condition": map[string]any{
			"ArnEquals":    map[string]any{"aws:SourceArn": map[string]any{"Fn::GetAtt": []any{alarmID, "Arn"}}},
			"StringEquals": map[string]any{"aws:SourceAccount": refAccount},
		},
	})
}

func TestBucketOutputsTellTheOwnerEverythingButTheSecret(t *testing.T) {
	tpl := defaultBucketTemplate(t)
	keyID, _ := cdktest.Only(t, tpl, "AWS::IAM::AccessKey")
	secretID, _ := cdktest.Only(t, tpl, "AWS::SecretsManager::Secret")
	topicID, digestID := restoreTopic(t, tpl)
	for id, want := range map[string]any{
		"BucketName":     join(defaultBucket+"-", refAccount, "-", refRegion),
		"BucketRegion":   refRegion,
		"BucketEndpoint": join("s3.", refRegion, ".", map[string]any{"Ref": "AWS::URLSuffix"}),
		"StorageClass":   "GLACIER_IR",
		"AccessKeyId":    map[string]any{"Ref": keyID},
		"SecretArn":      map[string]any{"Ref": secretID},
		"TopicArn":       map[string]any{"Ref": topicID},
		"DigestTopicArn": map[string]any{"Ref": digestID},
		"GetSecretCommand": join("aws secretsmanager get-secret-value --region ", refRegion,
			" --secret-id ", map[string]any{"Ref": secretID}, " --query SecretString --output text"),
	} {
		cdktest.Assert(t, "output "+id, func() {
			tpl.HasOutput(jsii.String(id), map[string]any{"Value": want})
		})
	}
	outputs, _ := json.Marshal((*tpl.ToJSON())["Outputs"])
	assert.NotContains(t, string(outputs), "SecretAccessKey")
	cdktest.Assert(t, "storage class output of the protected bucket", func() {
		protectedBucketTemplate(t).HasOutput(jsii.String("StorageClass"), map[string]any{"Value": "DEEP_ARCHIVE"})
	})
}

func TestBucketStackTagsEveryResource(t *testing.T) {
	cdktest.Assert(t, "tags", func() {
		defaultBucketTemplate(t).HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
			"Tags": assertions.Match_ArrayWith(&[]any{
				map[string]any{"Key": "project", "Value": "qnap-glacier"},
				map[string]any{"Key": "qnap-glacier:bucket", "Value": defaultBucket},
			}),
		})
	})
}

func TestNewBackupBucketDoesNotWriteIntoTheCallersProps(t *testing.T) {
	props := &qnapglacier.BackupBucketProps{Name: jsii.String("p-2"), NotifyEmails: []string{"a@example.com"}}
	app := cdktest.NewApp(nil, nil)
	qnapglacier.NewBackupBucket(awscdk.NewStack(app, jsii.String("S"), nil), jsii.String("B"), props)
	assert.Equal(t, &qnapglacier.BackupBucketProps{Name: jsii.String("p-2"), NotifyEmails: []string{"a@example.com"}}, props)
}

func TestNewBackupBucketPanicsWithEveryProblemNamingItsPath(t *testing.T) {
	app := cdktest.NewApp(nil, nil)
	props := &qnapglacier.BackupBucketProps{StorageClass: "STANDARD"}
	r := recovered(func() {
		qnapglacier.NewBackupBucket(awscdk.NewStack(app, jsii.String("S"), nil), jsii.String("B"), props)
	})
	err, ok := r.(error)
	require.True(t, ok, "panics with an error, got %v", r)
	assert.EqualError(t, err, "S/B: Name: required\nS/B: StorageClass: \"STANDARD\" is not an archive storage class: must be one of GLACIER_IR, GLACIER, DEEP_ARCHIVE")
	assert.EqualError(t, errors.Unwrap(err), props.Validate().Error(), "Validate gives the same problems, without the path")
}

func TestNewBucketStackPanicsNamingTheStack(t *testing.T) {
	r := recovered(func() {
		qnapglacier.NewBucketStack(cdktest.NewApp(nil, nil), jsii.String("BadBucket"), &qnapglacier.BucketStackProps{
			BackupBucket: qnapglacier.BackupBucketProps{Name: jsii.String("Photos"), ArchiveAfterDays: jsii.Number(-1)},
		})
	})
	err, ok := r.(error)
	require.True(t, ok, "panics with an error, got %v", r)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 2, err.Error())
	for _, l := range lines {
		assert.True(t, strings.HasPrefix(l, "BadBucket: "), l)
	}
	assert.True(t, strings.HasPrefix(lines[0], `BadBucket: BackupBucket.Name: "Photos" has 'P'`), lines[0])
	assert.True(t, strings.HasPrefix(lines[1], `BadBucket: BackupBucket.ArchiveAfterDays: -1: must be`), lines[1])
}

func TestConsumerCannotWidenTheStorageClasses(t *testing.T) {
	// GIVEN a caller who changes the list of storage classes
	classes := qnapglacier.StorageClasses()
	classes[0] = "STANDARD"
	// THEN the list and the validation stay as they were
	assert.Equal(t, []qnapglacier.StorageClass{"GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"}, qnapglacier.StorageClasses())
	assert.EqualError(t, rules.ValidateStorageClass("STANDARD"), `"STANDARD" is not an archive storage class: must be one of GLACIER_IR, GLACIER, DEEP_ARCHIVE`)
}

func TestBucketSecretUsesTheAWSManagedKeyByDefault(t *testing.T) {
	cdktest.Assert(t, "no KmsKeyId", func() {
		defaultBucketTemplate(t).HasResourceProperties(jsii.String("AWS::SecretsManager::Secret"), map[string]any{
			"KmsKeyId": assertions.Match_Absent(),
		})
	})
}

// defaultBucketNameForTest is the bucket name a BackupBucket named name
// derives in stack, read through its BucketName().
func defaultBucketNameForTest(name string, stack awscdk.Stack) *string {
	return qnapglacier.NewBackupBucket(stack, jsii.String("B"+rules.ShortHash(name)),
		&qnapglacier.BackupBucketProps{Name: jsii.String(name)}).BucketName()
}

// sslOff is a caller's property injector that gives the CDK's buckets
// props of its own, without EnforceSSL. (The props reach a Go injector as
// a map in which the CDK's objects, such as durations, no longer work, so
// it keeps only the name.)
type sslOff struct{}

func (*sslOff) ConstructUniqueId() *string { return awss3.Bucket_PROPERTY_INJECTION_ID() }

func (*sslOff) Inject(props any, _ *awscdk.InjectionContext) any {
	return &awss3.BucketProps{
		BucketName:        jsii.String(props.(map[string]any)["bucketName"].(string)),
		Versioned:         jsii.Bool(true),
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		ObjectLockEnabled: jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
	}
}

// TestBucketPolicyHoldsTheDenialsWhenAnInjectorTurnsTLSOff: the bucket
// policy is made by EnforceSSL, and the denials join it; when a caller's
// property injector turns EnforceSSL off there is no policy yet, and the
// denials make one.
func TestBucketPolicyHoldsTheDenialsWhenAnInjectorTurnsTLSOff(t *testing.T) {
	tpl := fixtures.Template(t, "bucket-injected-no-tls", func() awscdk.Stack {
		app := cdktest.NewApp(nil, nil)
		awscdk.PropertyInjectors_Of(app).Add(&sslOff{})
		return qnapglacier.NewBucketStack(app, jsii.String("Test"), &qnapglacier.BucketStackProps{
			BackupBucket: qnapglacier.BackupBucketProps{Name: jsii.String(defaultBucket)},
		})
	})
	_, policy := cdktest.Only(t, tpl, "AWS::S3::BucketPolicy")
	assert.Equal(t, "Retain", policy["DeletionPolicy"])
	_, want := cdktest.Only(t, defaultBucketTemplate(t), "AWS::S3::BucketPolicy")
	require.NotEmpty(t, statementIDs(want))
	assert.Equal(t, statementIDs(want), statementIDs(policy),
		"the same denials, in the same order, without the TLS-only statement (which has no Sid) the injector turned off")
}

// statementIDs are the Sids of a policy resource's statements that have one.
func statementIDs(policy map[string]any) []any {
	var sids []any
	for _, s := range cdktest.Props(policy)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
		if sid, ok := s.(map[string]any)["Sid"]; ok {
			sids = append(sids, sid)
		}
	}
	return sids
}
