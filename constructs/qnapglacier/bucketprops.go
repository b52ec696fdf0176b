package qnapglacier

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// BackupBucketProps configures a [BackupBucket].
type BackupBucketProps struct {
	// Name is the backup target's name, from which the bucket, user, policy
	// and stack names are derived. It follows the bucket naming rules of
	// BucketName, and must be known at synth (not a CDK token). Required.
	Name *string

	// BucketName is the S3 bucket's name: 3 to 63 characters from a-z, 0-9
	// and "-", starting and ending with a letter or digit, not in the form
	// of an IP address, none of the prefixes and suffixes S3 reserves, and
	// no dots (S3 allows them, but a dot breaks the TLS certificate check
	// of the virtual-hosted addresses NAS backup apps use). Bucket names
	// are global across all AWS accounts: a name someone else holds fails
	// the deploy.
	//
	// Default: "<name>-<account>-<region>" with the stack's account and
	// region (joined at deploy time in an environment-agnostic stack); a
	// name past 33 characters is cut and a hash of the whole added, so it
	// always fits S3's 63 characters, with or without a CLI profile.
	BucketName *string

	// UserName is the IAM user's name: 1 to 64 characters from letters,
	// digits and "+=,.@_-".
	//
	// Default: "<name>-user", shortened with a hash past 64 characters.
	UserName *string

	// UserPath is the IAM path of the user and of its managed policy.
	//
	// Default: "/automation/".
	UserPath *string

	// KeySerial is the access key's serial number, a whole number from 0 up.
	// Raising it replaces the access key and updates the secret: that is how
	// the key is rotated.
	//
	// Default: 1.
	KeySerial *float64

	// NotifyEmails are e-mail addresses told when restores from the archive
	// class complete: at most one e-mail an hour however many objects are
	// restored (see [BackupBucket.RestoreAlarm]). Each gets a confirmation
	// e-mail from AWS on deploy.
	//
	// Default: no subscriptions.
	NotifyEmails []string

	// StorageClass is the archive class the lifecycle moves current
	// versions to: [StorageClassGlacierIR], [StorageClassGlacier] or
	// [StorageClassDeepArchive].
	//
	// Default: [StorageClassGlacierIR], which every backup job type can
	// read back at once.
	StorageClass StorageClass

	// ArchiveAfterDays is how many days after upload the lifecycle moves a
	// current version to StorageClass, a whole number from 0 to 36500.
	// Objects under 128 KB stay in S3 Standard whatever this says.
	//
	// Default: 0 (at the next lifecycle run, within about a day).
	ArchiveAfterDays *float64

	// KeepDeletedDays is how many days a version stays after it was
	// overwritten or deleted (became noncurrent) before the lifecycle removes
	// it for good, a whole number from 1 to 36500. It must not be shorter than
	// ProtectArchivesDays.
	//
	// Default: the storage class's minimum storage charge (90 days, 180 for
	// DEEP_ARCHIVE), or ProtectArchivesDays when that is longer.
	KeepDeletedDays *float64

	// ProtectArchivesDays guards backups against a stolen key or ransomware
	// on the NAS: when above 0, every new object version is locked by S3
	// Object Lock (governance mode) for this many days, and nobody without
	// s3:BypassGovernanceRetention (the NAS user never has it) can delete it
	// or shorten its lock. It is also the longest retention the NAS user
	// may set itself (governance mode only; with 0, none): the bucket
	// policy denies it compliance mode and anything longer, so a stolen key
	// cannot lock backups against their owner. A whole number from 0 to
	// 36500.
	//
	// Default: 0 (no default retention; Object Lock is still enabled on the
	// bucket so that protection can be switched on later).
	ProtectArchivesDays *float64

	// SecretEncryptionKey encrypts the secret that holds the access key.
	// Bring a customer managed key to share the secret with another
	// account (Secret().GrantRead(awsiam.NewAccountPrincipal(...))): the
	// AWS managed key cannot be used from another account.
	//
	// Default: the account's AWS managed key for Secrets Manager
	// (aws/secretsmanager).
	SecretEncryptionKey awskms.IKey

	// Topic receives the bucket's s3:ObjectRestore:Completed events, one
	// per restored object (it becomes [BackupBucket.Topic]); bring your own
	// to feed a queue or function you already have, or to share one topic
	// between buckets. Unless it is imported, the BackupBucket adds a
	// statement that lets s3.amazonaws.com publish for this bucket and
	// account only; for a topic with no policy yet that creates one, which
	// replaces SNS's default policy. An imported topic's policy cannot be
	// changed: the BackupBucket then adds a warning ([TopicPolicyWarning])
	// and the caller must allow S3 themselves, or the deploy fails (S3
	// checks the permission when it saves the bucket's notifications).
	// The e-mail digest stays the BackupBucket's own topic (DigestTopic),
	// whose alarm counts every message published to this one: on a shared
	// topic, any message there counts as a completed restore.
	//
	// Default: a new topic that enforces TLS and lets only S3, for this
	// bucket, publish.
	Topic awssns.ITopic
}

// StorageClass is an S3 archive storage class a bucket's lifecycle moves
// backups to.
type StorageClass string

const (
	// StorageClassGlacierIR is S3 Glacier Instant Retrieval: read at once,
	// 90-day minimum charge.
	StorageClassGlacierIR StorageClass = "GLACIER_IR"
	// StorageClassGlacier is S3 Glacier Flexible Retrieval: restore first
	// (minutes to hours), 90-day minimum charge.
	StorageClassGlacier StorageClass = "GLACIER"
	// StorageClassDeepArchive is S3 Glacier Deep Archive: restore first (12
	// to 48 hours), 180-day minimum charge, the cheapest.
	StorageClassDeepArchive StorageClass = "DEEP_ARCHIVE"
)

// StorageClasses returns the archive classes a bucket may use, in the order
// the docs list them. The slice is new on every call: changing it changes
// nothing here.
func StorageClasses() []StorageClass {
	return []StorageClass{StorageClassGlacierIR, StorageClassGlacier, StorageClassDeepArchive}
}

// defaultStorageClass is the archive class used when none is given.
const defaultStorageClass = StorageClass(rules.DefaultStorageClass)

// MinimumDays is the minimum storage charge of the class, in days: an
// object deleted earlier is charged for the rest anyway.
func (c StorageClass) MinimumDays() float64 {
	return rules.StorageClassMinimumDays(string(c))
}

// abortUploadsAfterDays is when the lifecycle aborts an unfinished
// multipart upload, whose parts S3 would otherwise keep (and charge for)
// forever.
const abortUploadsAfterDays = 7

// withDefaults returns a copy of props with every unset field filled in.
// The caller's props are never written to.
func (p *BackupBucketProps) withDefaults() BackupBucketProps {
	c := *p
	c.NotifyEmails = append([]string(nil), p.NotifyEmails...)
	if c.UserName == nil {
		c.UserName = jsii.String(rules.DefaultUserName(*c.Name))
	}
	if c.UserPath == nil {
		c.UserPath = jsii.String(defaultUserPath)
	}
	if c.KeySerial == nil {
		c.KeySerial = jsii.Number(rules.DefaultKeySerial)
	}
	if c.StorageClass == "" {
		c.StorageClass = defaultStorageClass
	}
	if c.ArchiveAfterDays == nil {
		c.ArchiveAfterDays = jsii.Number(0)
	}
	if c.ProtectArchivesDays == nil {
		c.ProtectArchivesDays = jsii.Number(0)
	}
	if c.KeepDeletedDays == nil {
		c.KeepDeletedDays = jsii.Number(max(c.StorageClass.MinimumDays(), *c.ProtectArchivesDays))
	}
	return c
}

// Validate reports every problem with props, one per line, each naming the
// field, the bad value and what is allowed. Values that are CDK tokens
// (resolved only at deploy time) are not checked.
func (p *BackupBucketProps) Validate() error {
	if p == nil {
		return errors.New("props: required, with at least Name")
	}
	var errs []error
	if p.Name == nil {
		errs = append(errs, errors.New("Name: required"))
	} else if !isToken(p.Name) {
		if err := rules.ValidateBucketName(*p.Name); err != nil {
			errs = append(errs, fmt.Errorf("Name: %w", err))
		}
	} else {
		errs = append(errs, errors.New("Name: a CDK token: must be known at synth, every derived name depends on it"))
	}
	if p.BucketName != nil && !isToken(p.BucketName) {
		if err := rules.ValidateBucketName(*p.BucketName); err != nil {
			errs = append(errs, fmt.Errorf("BucketName: %w", err))
		}
	}
	errs = append(errs, credentialProblems(p.UserName, p.UserPath, p.KeySerial, p.NotifyEmails)...)
	if p.StorageClass != "" {
		if err := rules.ValidateStorageClass(string(p.StorageClass)); err != nil {
			errs = append(errs, fmt.Errorf("StorageClass: %w", err))
		}
	}
	known := func(n *float64) bool { return n != nil && !isTokenNumber(n) }
	if known(p.ArchiveAfterDays) {
		if err := rules.ValidateArchiveAfterDays(*p.ArchiveAfterDays); err != nil {
			errs = append(errs, fmt.Errorf("ArchiveAfterDays: %w", err))
		}
	}
	keepOK := known(p.KeepDeletedDays)
	if keepOK {
		if err := rules.ValidateKeepDeletedDays(*p.KeepDeletedDays); err != nil {
			errs = append(errs, fmt.Errorf("KeepDeletedDays: %w", err))
			keepOK = false
		}
	}
	protectOK := known(p.ProtectArchivesDays)
	if protectOK {
		if err := rules.ValidateProtectArchivesDays(*p.ProtectArchivesDays); err != nil {
			errs = append(errs, fmt.Errorf("ProtectArchivesDays: %w", err))
			protectOK = false
		}
	}
	if keepOK && protectOK && *p.KeepDeletedDays < *p.ProtectArchivesDays {
		errs = append(errs, fmt.Errorf("KeepDeletedDays: %v is shorter than ProtectArchivesDays %v: "+
			"a deleted version stays locked for ProtectArchivesDays, so keep deleted versions at least that long",
			*p.KeepDeletedDays, *p.ProtectArchivesDays))
	}
	return errors.Join(errs...)
}
