package qnapglacier

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// BackupBucket is an S3 bucket whose lifecycle moves backups to an S3
// Glacier storage class, an IAM user that can back up to that bucket only,
// its access key (kept in a Secrets Manager secret), a topic that receives
// the bucket's restore events, and an hourly digest of them by e-mail. It is
// the path for AWS accounts that cannot use Glacier vaults.
type BackupBucket interface {
	constructs.Construct
	// User is the IAM user the NAS signs in as.
	User() awsiam.User
	// Policy is the managed policy that scopes the user to the bucket.
	Policy() awsiam.ManagedPolicy
	// AccessKeyId is the ID of the user's access key. It is not secret.
	AccessKeyId() *string
	// Secret holds the access key as JSON: {"accessKeyId", "secretAccessKey"}.
	Secret() awssecretsmanager.Secret
	// Bucket is the backup bucket.
	Bucket() awss3.Bucket
	// BucketName is the bucket's name (a token joining the stack's account
	// and region when the name is derived in an environment-agnostic stack).
	BucketName() *string
	// BucketArn is the bucket's ARN, built from BucketName with the stack's
	// partition (as VaultArn is), so a policy may name the bucket without
	// waiting for it.
	BucketArn() *string
	// StorageClass is the archive class the lifecycle moves backups to.
	StorageClass() StorageClass
	// Topic receives one s3:ObjectRestore:Completed event per restored
	// object, for machines (a queue, a function); e-mails go to DigestTopic.
	// It is props.Topic when given.
	Topic() awssns.ITopic
	// RestoreAlarm counts the events on Topic per hour: it goes to ALARM
	// when restores complete and back to OK after an hour without one,
	// telling DigestTopic each time.
	RestoreAlarm() awscloudwatch.Alarm
	// DigestTopic receives RestoreAlarm's state changes; NotifyEmails are
	// subscribed to it.
	DigestTopic() awssns.ITopic
}

type backupBucket struct {
	constructs.Construct
	creds        credentials
	bucket       awss3.Bucket
	bucketName   *string
	bucketArn    *string
	storageClass StorageClass
	topic        awssns.ITopic
	topicArn     *string // Topic's ARN, read once
	alarm        awscloudwatch.Alarm
	digest       awssns.ITopic
	digestArn    *string // DigestTopic's ARN, read once
}

// restoreCompleted is the one S3 event the bucket sends to its topic: the
// temporary copy of an archived object is ready to download.
const restoreCompleted = "s3:ObjectRestore:Completed"

// s3Principal and cloudWatchPrincipal are the services that publish to the
// bucket's topics.
const (
	s3Principal         = "s3.amazonaws.com"
	cloudWatchPrincipal = "cloudwatch.amazonaws.com"
)

// defaultBucketName is the bucket name used when none is given:
// "<name>-<account>-<region>" with the stack's account and region. Bucket
// names are global across every AWS account; the account and region make
// the name this account's own. (They do not let one target be deployed to
// two regions of an account: its IAM user and policy names are
// account-wide.) A name longer than 33 characters is cut and a hash of
// the whole name added, so the result always fits S3's 63 characters. The
// same cut applies whether or not account and region are known at synth, so
// deploying with or without a CLI profile never renames (and so replaces)
// the bucket. In an environment-agnostic stack the account and region are
// CloudFormation pseudo parameters joined at deploy time: the name is known
// before the bucket exists, so the topic's policy can name the bucket
// without depending on it (see newRestoreNotifications).
func defaultBucketName(name string, stack awscdk.Stack) *string {
	// Token strings concatenate into an Fn::Join without a call to the CDK.
	return jsii.String(rules.BucketNameStart(name) + "-" + *stack.Account() + "-" + *stack.Region())
}

// NewBackupBucket creates the backup bucket, the IAM user scoped to it, its
// access key and secret, the restore topic and the e-mail digest. It panics
// with every problem in props, one per line, each line starting with the
// new construct's path (for example "MyStack/Photos: Name: ...");
// [BackupBucketProps.Validate] returns the same problems as an error. It
// also panics when another BackupUser or BackupBucket in the stack has
// taken its IAM user or policy name (IAM ignores letter case).
//
// The child construct IDs ("User", "Policy", "AccessKey", "Secret",
// "Bucket", "Topic" (unless props.Topic is given), "RestoreAlarm",
// "Digest") are part of the API:
// changing one would replace a live resource; a replaced bucket is a new,
// empty bucket (the old one is retained).
func NewBackupBucket(scope constructs.Construct, id *string, props *BackupBucketProps) BackupBucket {
	if err := props.Validate(); err != nil {
		panic(propsError(scope, id, err))
	}
	p := props.withDefaults()
	stack := awscdk.Stack_Of(scope)
	if err := claimNames(stack, scope, *id, *p.UserName, rules.BucketPolicyName(*p.Name), "Name"); err != nil {
		panic(err)
	}
	b := &backupBucket{storageClass: p.StorageClass}
	constructs.NewConstruct_Override(b, scope, id)
	this := b.Construct

	b.bucketName = p.BucketName
	if b.bucketName == nil {
		b.bucketName = defaultBucketName(*p.Name, stack)
	}
	// Built from the name, not from the bucket resource: the topic policy
	// names the bucket and the bucket must wait for the topic policy.
	bucketArn := stack.FormatArn(&awscdk.ArnComponents{
		Service:  jsii.String("s3"),
		Region:   jsii.String(""),
		Account:  jsii.String(""),
		Resource: b.bucketName,
	})
	b.bucketArn = bucketArn
	objectsArn := jsii.String(*bucketArn + "/*")

	b.creds = newCredentials(this, credentialsProps{
		userName:          p.UserName,
		userPath:          p.UserPath,
		keySerial:         p.KeySerial,
		policyName:        rules.BucketPolicyName(*p.Name),
		policyDescription: "Policy for QNAP Glacier S3 backup user",
		document:          bucketUserPolicyDocument(bucketArn, objectsArn),
		policyNag: []nagSuppression{{
			id: "AwsSolutions-IAM5",
			reason: "s3:ListAllMyBuckets acts on the account (the NAS set-up wizards list buckets), so IAM accepts only \"*\"; " +
				"object actions need the bucket's objects, \"<bucket>/*\"; bucket actions are on the one bucket ARN.",
			appliesTo: []string{"Resource::*", nagResource(stack, objectsArn)},
		}},
		secretDescription: "Access key of the S3 backup user for bucket target " + *p.Name,
		secretKey:         p.SecretEncryptionKey,
	})

	var cfnBucket awss3.CfnBucket
	b.bucket, cfnBucket = newBucket(stack, this, &p, b.bucketName, b.creds.user)
	n := newRestoreNotifications(this, stack, &p, cfnBucket, b.bucketName, bucketArn)
	b.topic, b.topicArn, b.alarm, b.digest, b.digestArn = n.topic, n.topicArn, n.alarm, n.digest, n.digestArn
	return b
}

func (b *backupBucket) User() awsiam.User                 { return b.creds.user }
func (b *backupBucket) Policy() awsiam.ManagedPolicy      { return b.creds.policy }
func (b *backupBucket) AccessKeyId() *string              { return b.creds.accessKeyID }
func (b *backupBucket) Secret() awssecretsmanager.Secret  { return b.creds.secret }
func (b *backupBucket) Bucket() awss3.Bucket              { return b.bucket }
func (b *backupBucket) BucketName() *string               { return b.bucketName }
func (b *backupBucket) BucketArn() *string                { return b.bucketArn }
func (b *backupBucket) StorageClass() StorageClass        { return b.storageClass }
func (b *backupBucket) Topic() awssns.ITopic              { return b.topic }
func (b *backupBucket) RestoreAlarm() awscloudwatch.Alarm { return b.alarm }
func (b *backupBucket) DigestTopic() awssns.ITopic        { return b.digest }

// nagResource renders a resource value as cdk-nag writes it in a finding
// ("Resource::..."): an Fn::Join joined, a Ref as <Name>, an Fn::GetAtt as
// <Name.Attribute>.
func nagResource(stack awscdk.Stack, value *string) string {
	var flatten func(v any) string
	flatten = func(v any) string {
		switch x := v.(type) {
		case string:
			return x
		case map[string]any:
			if ref, ok := x["Ref"].(string); ok {
				return "<" + ref + ">"
			}
			if att, ok := x["Fn::GetAtt"].([]any); ok && len(att) == 2 {
				return fmt.Sprintf("<%v.%v>", att[0], att[1])
			}
			if join, ok := x["Fn::Join"].([]any); ok && len(join) == 2 {
				sep, _ := join[0].(string)
				parts, _ := join[1].([]any)
				out := make([]string, len(parts))
				for i, p := range parts {
					out[i] = flatten(p)
				}
				return strings.Join(out, sep)
			}
		}
		return fmt.Sprint(v)
	}
	return "Resource::" + flatten(stack.Resolve(value))
}

// newBucket creates the bucket: versioned, private, encrypted, TLS only,
// owned by the bucket owner, kept when the stack goes, with Object Lock
// (protection) and the lifecycle that archives and expires.
func newBucket(stack awscdk.Stack, scope constructs.Construct, p *BackupBucketProps, name *string, user awsiam.IUser) (awss3.Bucket, awss3.CfnBucket) {
	props := &awss3.BucketProps{
		BucketName:        name,
		Versioned:         jsii.Bool(true),
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		// SSE-S3: no KMS key to pay for or to grant the NAS user; every
		// S3 client can read it back without knowing about it.
		Encryption:      awss3.BucketEncryption_S3_MANAGED,
		ObjectOwnership: awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		// The bucket holds the backups: cdk destroy never deletes it.
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
		// Object Lock is on from the bucket's creation, so switching
		// protection on later changes only the default retention (which
		// only ProtectArchivesDays sets), never the bucket itself.
		ObjectLockEnabled: jsii.Bool(true),
		// S3's default since 2024, stated so that a change of default
		// never moves small index files to an archive class.
		TransitionDefaultMinimumObjectSize: awss3.TransitionDefaultMinimumObjectSize_ALL_STORAGE_CLASSES_128_K,
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id: jsii.String("ArchiveAndExpire"),
			Transitions: &[]*awss3.Transition{{
				StorageClass:    storageClass(stack, p.StorageClass),
				TransitionAfter: durationDays(stack, p.ArchiveAfterDays),
			}},
			NoncurrentVersionExpiration:         durationDays(stack, p.KeepDeletedDays),
			AbortIncompleteMultipartUploadAfter: durationDays(stack, jsii.Number(abortUploadsAfterDays)),
			// A delete marker whose versions have all expired hides
			// nothing any more: remove it so listings stay clean.
			ExpiredObjectDeleteMarker: jsii.Bool(true),
		}},
	}
	if *p.ProtectArchivesDays > 0 {
		props.ObjectLockDefaultRetention = awss3.ObjectLockRetention_Governance(durationDays(stack, p.ProtectArchivesDays))
	}
	// "Bucket" is the construct ID of the bucket holding the backups.
	bucket := awss3.NewBucket(scope, jsii.String("Bucket"), props)
	// EnforceSSL has made the bucket's policy, with its TLS-only statement:
	// the denials go into the same document, as AddToResourcePolicy would
	// put them, in one call rather than four (each also reads its result).
	principal := awsiam.NewArnPrincipal(user.UserArn())
	objects := bucket.ArnForObjects(jsii.String("*"))
	denials := []awsiam.PolicyStatement{
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("DenyTheBackupUserDestructiveActions"),
			Effect:     awsiam.Effect_DENY,
			Principals: &[]awsiam.IPrincipal{principal},
			Actions:    jsii.Strings(rules.BucketDeniedActions...),
			Resources:  &[]*string{bucket.BucketArn(), objects},
		}),
		bucketACLDenial(principal, objects),
	}
	denials = append(denials, bucketRetentionDenials(principal, objects, *p.ProtectArchivesDays)...)
	policy := bucket.Policy()
	if policy == nil {
		// No policy yet: a property injector of the caller's turned
		// EnforceSSL off. The first denial makes the policy, as
		// AddToResourcePolicy does, and the others join it.
		bucket.AddToResourcePolicy(denials[0])
		policy, denials = bucket.Policy(), denials[1:]
	}
	policy.Document().AddStatements(denials...)
	// The retained bucket keeps its TLS-only and deny statements after
	// cdk destroy: without them the backups would lie in a bucket that
	// takes plain HTTP and lets a stolen key do what the stack forbade.
	policy.ApplyRemovalPolicy(awscdk.RemovalPolicy_RETAIN)
	cfn := bucket.Node().DefaultChild().(awss3.CfnBucket)
	addNagToResource(cfn, false, []nagSuppression{{
		id: "AwsSolutions-S1",
		reason: "Server access logs would need a second bucket, cost money, and record only the NAS's own requests; " +
			"the bucket is private, its one user is scoped to it and cannot delete versions.",
	}})
	return bucket, cfn
}
