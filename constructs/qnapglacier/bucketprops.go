package qnapglacier

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/jsii-runtime-go"
)

// BackupBucketProps configures a [BackupBucket].
type BackupBucketProps struct {
	// Name is the backup target's name, from which the bucket, user, policy
	// and stack names are derived. It follows S3's bucket naming rules (see
	// [ValidateBucketName]). Required.
	Name *string

	// BucketName is the S3 bucket's name, checked against S3's naming rules
	// (see [ValidateBucketName]). Bucket names are global across all AWS
	// accounts: a name someone else holds fails the deploy.
	//
	// Default: "<name>-<account>-<region>" (see [DefaultBucketName]).
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

// DefaultStorageClass is the archive class used when none is given.
const DefaultStorageClass = StorageClassGlacierIR

// MinimumDays is the minimum storage charge of the class, in days: an
// object deleted earlier is charged for the rest anyway.
func (c StorageClass) MinimumDays() float64 {
	if c == StorageClassDeepArchive {
		return 180
	}
	return 90
}

// MaxBucketDays is the largest ArchiveAfterDays or KeepDeletedDays (100
// years).
const MaxBucketDays = 36500

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
		c.UserName = jsii.String(DefaultUserName(*c.Name))
	}
	if c.UserPath == nil {
		c.UserPath = jsii.String(defaultUserPath)
	}
	if c.KeySerial == nil {
		c.KeySerial = jsii.Number(DefaultKeySerial)
	}
	if c.StorageClass == "" {
		c.StorageClass = DefaultStorageClass
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
		if err := ValidateBucketName(*p.Name); err != nil {
			errs = append(errs, fmt.Errorf("Name: %w", err))
		}
	} else {
		errs = append(errs, errors.New("Name: a CDK token: must be known at synth, every derived name depends on it"))
	}
	if p.BucketName != nil && !isToken(p.BucketName) {
		if err := ValidateBucketName(*p.BucketName); err != nil {
			errs = append(errs, fmt.Errorf("BucketName: %w", err))
		}
	}
	errs = append(errs, credentialProblems(p.UserName, p.UserPath, p.KeySerial, p.NotifyEmails)...)
	if p.StorageClass != "" {
		if err := ValidateStorageClass(string(p.StorageClass)); err != nil {
			errs = append(errs, fmt.Errorf("StorageClass: %w", err))
		}
	}
	known := func(n *float64) bool { return n != nil && !isTokenNumber(n) }
	if known(p.ArchiveAfterDays) {
		if err := ValidateArchiveAfterDays(*p.ArchiveAfterDays); err != nil {
			errs = append(errs, fmt.Errorf("ArchiveAfterDays: %w", err))
		}
	}
	keepOK := known(p.KeepDeletedDays)
	if keepOK {
		if err := ValidateKeepDeletedDays(*p.KeepDeletedDays); err != nil {
			errs = append(errs, fmt.Errorf("KeepDeletedDays: %w", err))
			keepOK = false
		}
	}
	protectOK := known(p.ProtectArchivesDays)
	if protectOK {
		if err := ValidateProtectArchivesDays(*p.ProtectArchivesDays); err != nil {
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

// ValidateStorageClass checks an archive storage class: GLACIER_IR,
// GLACIER or DEEP_ARCHIVE.
func ValidateStorageClass(class string) error {
	if slices.Contains(StorageClasses(), StorageClass(class)) {
		return nil
	}
	return fmt.Errorf("%q is not an archive storage class: must be one of GLACIER_IR, GLACIER, DEEP_ARCHIVE", class)
}

// ValidateArchiveAfterDays checks the days before the lifecycle archives an
// object: a whole number from 0 to 36500.
func ValidateArchiveAfterDays(days float64) error {
	if days < 0 || days > MaxBucketDays || days != math.Trunc(days) {
		return fmt.Errorf("%v: must be a whole number of days from 0 to %d", days, MaxBucketDays)
	}
	return nil
}

// ValidateKeepDeletedDays checks the days a noncurrent version is kept: a
// whole number from 1 to 36500 (S3's lifecycle counts from 1).
func ValidateKeepDeletedDays(days float64) error {
	if days < 1 || days > MaxBucketDays || days != math.Trunc(days) {
		return fmt.Errorf("%v: must be a whole number of days from 1 to %d", days, MaxBucketDays)
	}
	return nil
}

var bucketNameRe = regexp.MustCompile(`^[a-z0-9-]+$`)

// Prefixes and suffixes S3 reserves in bucket names.
var (
	reservedBucketPrefixes = []string{"xn--", "sthree-", "amzn-s3-demo-"}
	reservedBucketSuffixes = []string{"-s3alias", "--ol-s3", "--x-s3", "--table-s3", ".mrap"}
)

// ValidateBucketName checks an S3 bucket name against S3's naming rules:
// 3 to 63 characters from lowercase letters, digits and hyphens, starting
// and ending with a letter or digit, not in the form of an IP address, and
// none of the prefixes and suffixes S3 reserves ("xn--", "sthree-",
// "amzn-s3-demo-", "-s3alias", "--ol-s3", "--x-s3", "--table-s3"). S3 also
// allows dots, but a dot breaks the TLS certificate check of the
// virtual-hosted addresses (bucket.s3.region.amazonaws.com) that NAS
// backup apps use, so dots are refused here.
func ValidateBucketName(name string) error {
	const allowed = "must be 3 to 63 characters from a-z 0-9 -, starting and ending with a letter or digit"
	switch {
	case len(name) < 3 || len(name) > 63:
		return fmt.Errorf("%q is %d characters: %s", abbreviate(name), len(name), allowed)
	case isIPAddress(name):
		return fmt.Errorf("%q is in the form of an IP address, which S3 refuses: %s", name, allowed)
	case strings.Contains(name, "."):
		return fmt.Errorf("%q has '.' at position %d: a dot breaks HTTPS to the bucket's virtual-hosted address; %s", name, strings.Index(name, ".")+1, allowed)
	case !bucketNameRe.MatchString(name):
		return fmt.Errorf("%q has %s: %s (no capitals or '_')", name, firstBadChar(name, bucketNameRe), allowed)
	case name[0] == '-' || name[len(name)-1] == '-':
		return fmt.Errorf("%q starts or ends with '-': %s", name, allowed)
	}
	for _, p := range reservedBucketPrefixes {
		if strings.HasPrefix(name, p) {
			return fmt.Errorf("%q starts with %q, which S3 reserves: %s", name, p, allowed)
		}
	}
	for _, s := range reservedBucketSuffixes {
		if strings.HasSuffix(name, s) {
			return fmt.Errorf("%q ends with %q, which S3 reserves: %s", name, s, allowed)
		}
	}
	return nil
}

func isIPAddress(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}
