package qnapglacier

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
)

// AWS limits on the names this package derives from a vault name. A vault
// name may be 255 characters long; none of these may.
const (
	maxVaultNameLen   = 255
	maxUserNameLen    = 64
	maxPolicyNameLen  = 128
	maxStackNameLen   = 128
	maxDisplayNameLen = 100
	hashLen           = 8
)

// policyNamePrefix is the start of the managed policy's name, as in the
// reference Terraform module.
const policyNamePrefix = "QNAPGlacierIAMUserPolicy-"

// stackNamePrefix is the start of every stack name StackName derives.
const stackNamePrefix = "QnapGlacier-"

// shortHash is a short, stable digest of s, used to keep derived names unique
// when they have to be shortened or cleaned up.
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:hashLen]
}

// fitName returns prefix+name+suffix when it fits in max characters.
// Otherwise it cuts name short and adds a hash of the whole name, so two long
// names that share a beginning still give two different results, and the
// same name always gives the same result.
//
// A name that holds a CDK token (known only at deploy time) is joined as it
// is: it cannot be measured here.
func fitName(prefix, name, suffix string, max int) string {
	if full := prefix + name + suffix; len(full) <= max || strings.Contains(name, "${Token[") {
		return full
	}
	keep := max - len(prefix) - len(suffix) - hashLen - 1
	return prefix + name[:keep] + "-" + shortHash(name) + suffix
}

// DefaultUserName is the IAM user name used when none is given:
// "<vault>-user", shortened with a hash when it would pass IAM's 64
// characters. It is exported because IAM user names are unique per account:
// an app that deploys several vaults (the qnap-glacier app does) checks the
// names before it deploys.
func DefaultUserName(vaultName string) string {
	return fitName("", vaultName, "-user", maxUserNameLen)
}

// PolicyName is the name of the managed policy for a vault:
// "QNAPGlacierIAMUserPolicy-<vault>", shortened with a hash when it would
// pass IAM's 128 characters. It is exported for the same reason as
// [DefaultUserName]: managed policy names are unique per account too.
func PolicyName(vaultName string) string {
	return fitName(policyNamePrefix, vaultName, "", maxPolicyNameLen)
}

var notStackChar = regexp.MustCompile(`[^A-Za-z0-9-]`)

// StackName is the CloudFormation stack name the qnap-glacier app gives
// the [VaultStack] of a vault: "QnapGlacier-<vault>". Stack names allow only
// letters, digits and hyphens, so any "_" or "." becomes "-"; because that
// could make two vault names meet, a cleaned-up or over-long name also gets
// a hash of the original. It is exported for that app, and for any app that
// deploys one VaultStack per vault and wants the same names.
func StackName(vaultName string) string {
	clean := notStackChar.ReplaceAllString(vaultName, "-")
	if clean == vaultName {
		return fitName(stackNamePrefix, vaultName, "", maxStackNameLen)
	}
	suffix := "-" + shortHash(vaultName)
	keep := min(len(clean), maxStackNameLen-len(stackNamePrefix)-len(suffix))
	return stackNamePrefix + clean[:keep] + suffix
}

// topicDisplayName is the sender name of the topic's e-mails.
func topicDisplayName(vaultName string) string {
	return fitName("Glacier ", vaultName, "", maxDisplayNameLen)
}

// idFor is a construct ID that is stable for a value whatever its position
// in a list, so reordering a list never replaces a resource.
func idFor(kind, value string) string {
	return kind + shortHash(strings.ToLower(value))
}
