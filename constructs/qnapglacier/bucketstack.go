package qnapglacier

import (
	"errors"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// BucketStackProps configures a [BucketStack].
type BucketStackProps struct {
	awscdk.StackProps
	// BackupBucket configures the stack's one [BackupBucket], with at
	// least its Name. Required.
	BackupBucket BackupBucketProps
}

// BucketStack is a stack holding one [BackupBucket] and the outputs a NAS
// owner needs to set up the backup app. Give each bucket its own stack so
// it can be deployed and destroyed alone.
type BucketStack interface {
	awscdk.Stack
	// BackupBucket is the stack's backup bucket.
	BackupBucket() BackupBucket
}

type bucketStack struct {
	awscdk.Stack
	backupBucket BackupBucket
}

// NewBucketStack creates a stack for one backup bucket. Its outputs give
// the bucket's name, region and endpoint, the access key ID, the secret's
// ARN and the command that reads the secret (never the secret itself), the
// topics and the storage class. It panics with every problem in
// props.BackupBucket, one per line, each line starting with the stack's
// path ([BucketStackProps.Validate] returns the same problems as an
// error).
func NewBucketStack(scope constructs.Construct, id *string, props *BucketStackProps) BucketStack {
	if props == nil {
		props = &BucketStackProps{}
	}
	if err := props.Validate(); err != nil {
		panic(propsError(scope, id, err))
	}
	s := &bucketStack{}
	awscdk.NewStack_Override(s, scope, id, &props.StackProps)
	stack := s.Stack

	// "BackupBucket" is the path of every live resource in the stack.
	b := NewBackupBucket(stack, jsii.String("BackupBucket"), &props.BackupBucket)
	s.backupBucket = b
	tags := awscdk.Tags_Of(stack)
	tags.Add(jsii.String(rules.ProjectTag), jsii.String(rules.ProjectName), nil)
	tags.Add(jsii.String(rules.BucketTag), props.BackupBucket.Name, nil)

	region := *stack.Region()
	output(stack, "BucketName", b.BucketName(), "The S3 bucket to enter on the NAS.")
	output(stack, "BucketRegion", &region, "The bucket's region.")
	output(stack, "BucketEndpoint", jsii.String("s3."+region+"."+*stack.UrlSuffix()),
		"The S3 endpoint of that region, for apps that ask for one (HTTPS).")
	output(stack, "StorageClass", jsii.String(string(b.StorageClass())),
		"The archive class the lifecycle moves backups to; upload to S3 Standard and let the lifecycle move them.")
	output(stack, "UserName", b.User().UserName(), "The IAM user the NAS signs in as.")
	output(stack, "AccessKeyId", b.AccessKeyId(), "The access key ID to enter on the NAS (not secret).")
	secretArn := b.Secret().SecretArn()
	output(stack, "SecretArn", secretArn, "The Secrets Manager secret holding the access key and secret access key.")
	output(stack, "GetSecretCommand", jsii.String("aws secretsmanager get-secret-value --region "+region+
		" --secret-id "+*secretArn+" --query SecretString --output text"),
		"Run this to read the secret access key; keep what it prints private.")
	bb := b.(*backupBucket)
	output(stack, "TopicArn", bb.topicArn, "The SNS topic that gets one event per restored object, for machines.")
	output(stack, "DigestTopicArn", bb.digestArn, "The SNS topic that e-mails at most hourly when restores complete.")
	return s
}

func (s *bucketStack) BackupBucket() BackupBucket { return s.backupBucket }

// Validate reports every problem with props, one per line, each naming
// its field path ("BackupBucket.ProtectArchivesDays: ..."), the bad value
// and what is allowed. [NewBucketStack] panics with the same problems.
func (p *BucketStackProps) Validate() error {
	if p == nil {
		return errors.New("props: required, with at least BackupBucket.Name")
	}
	return errors.Join(inField("BackupBucket", ".", p.BackupBucket.Validate())...)
}
