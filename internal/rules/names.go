package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
)

// AWS limits on the names derived from a vault or bucket target's name. A
// vault name may be 255 characters long; none of these may.
const (
	MaxVaultNameLen   = 255
	MaxUserNameLen    = 64
	maxPolicyNameLen  = 128
	maxStackNameLen   = 128
	MaxDisplayNameLen = 100
	hashLen           = 8
)

// VaultPolicyNamePrefix starts the name of a vault user's managed policy,
// as in the reference Terraform module.
const VaultPolicyNamePrefix = "QNAPGlacierIAMUserPolicy-"

// BucketPolicyNamePrefix starts the name of a bucket user's managed
// policy. It differs from VaultPolicyNamePrefix, so a vault and a bucket of
// the same name never share a policy name.
const BucketPolicyNamePrefix = "QNAPGlacierS3UserPolicy-"

// StackNamePrefix starts every stack name StackName derives.
const StackNamePrefix = "QnapGlacier-"

// BudgetStackName is the name of the stack the qnap-glacier app puts its
// one cost budget in.
const BudgetStackName = StackNamePrefix + "Budget"

// ShortHash is a short, stable digest of s, used to keep derived names
// unique when they have to be shortened or cleaned up.
func ShortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:hashLen]
}

// FitName returns prefix+name+suffix when it fits in max characters.
// Otherwise it cuts name short and adds a hash of the whole name, so two
// long names that share a beginning still give two different results, and
// the same name always gives the same result.
//
// A name that holds a CDK token (known only at deploy time) is joined as it
// is: it cannot be measured here.
func FitName(prefix, name, suffix string, max int) string {
	if full := prefix + name + suffix; len(full) <= max || strings.Contains(name, "${Token[") {
		return full
	}
	keep := max - len(prefix) - len(suffix) - hashLen - 1
	return prefix + name[:keep] + "-" + ShortHash(name) + suffix
}

// DefaultUserName is the IAM user name used when none is given:
// "<name>-user", shortened with a hash when it would pass IAM's 64
// characters. IAM user names are unique per account: an app that deploys
// several targets checks the names before it deploys.
func DefaultUserName(name string) string {
	return FitName("", name, "-user", MaxUserNameLen)
}

// VaultPolicyName is the name of the managed policy for a vault:
// "QNAPGlacierIAMUserPolicy-<vault>", shortened with a hash when it would
// pass IAM's 128 characters.
func VaultPolicyName(vaultName string) string {
	return FitName(VaultPolicyNamePrefix, vaultName, "", maxPolicyNameLen)
}

// BucketPolicyName is the name of the managed policy of a bucket's user:
// "QNAPGlacierS3UserPolicy-<name>", shortened with a hash past IAM's 128
// characters.
func BucketPolicyName(name string) string {
	return FitName(BucketPolicyNamePrefix, name, "", maxPolicyNameLen)
}

// maxNamePartOfBucket is how much of the target's name a derived bucket
// name keeps: 63 characters, less "-" and a 12-digit account, less "-" and
// a region of up to 16 characters (the longest today has 14).
const maxNamePartOfBucket = 63 - 1 - 12 - 1 - 16

// BucketNameStart is the part of a derived bucket name that comes from the
// target's name, before "-<account>-<region>": the name itself, or, past
// 33 characters, its start and a hash of the whole, so the bucket name
// always fits S3's 63 characters.
func BucketNameStart(name string) string {
	return FitName("", name, "", maxNamePartOfBucket)
}

// TopicDisplayName is the sender name of a vault topic's e-mails.
func TopicDisplayName(vaultName string) string {
	return FitName("Glacier ", vaultName, "", MaxDisplayNameLen)
}

var notStackChar = regexp.MustCompile(`[^A-Za-z0-9-]`)

// StackName is the CloudFormation stack name the qnap-glacier app gives
// the stack of a vault or bucket target: "QnapGlacier-<name>". Stack names
// allow only letters, digits and hyphens, so any "_" or "." becomes "-";
// because that could make two names meet, a cleaned-up or over-long name
// also gets a hash of the original.
func StackName(name string) string {
	clean := notStackChar.ReplaceAllString(name, "-")
	if clean == name {
		return FitName(StackNamePrefix, name, "", maxStackNameLen)
	}
	suffix := "-" + ShortHash(name)
	keep := min(len(clean), maxStackNameLen-len(StackNamePrefix)-len(suffix))
	return StackNamePrefix + clean[:keep] + suffix
}
