package config

import (
	"fmt"
	"slices"
	"strings"
)

// Context keys the app reads.
const (
	KeyVaults       = "vaults"
	KeyNotifyEmails = "notifyEmails"
	KeyKeySerial    = "keySerial"
	KeyUserName     = "userName"
	KeyVaultMode    = "vaultMode"
	KeyVaultTags    = "vaultTags"
	KeyProtectDays  = "protectArchivesDays"

	KeyBuckets          = "buckets"
	KeyBucketName       = "bucketName"
	KeyStorageClass     = "storageClass"
	KeyArchiveAfterDays = "archiveAfterDays"
	KeyKeepDeletedDays  = "keepDeletedDays"

	KeyMonthlyBudget = "monthlyBudgetUsd"
)

// Keys are the app's settings, in the order the README lists them.
var Keys = []string{
	KeyVaults, KeyNotifyEmails, KeyKeySerial, KeyUserName, KeyVaultMode, KeyVaultTags, KeyProtectDays,
	KeyBuckets, KeyBucketName, KeyStorageClass, KeyArchiveAfterDays, KeyKeepDeletedDays,
	KeyMonthlyBudget,
}

// VaultKeys are the settings a vault's own object in "vaults" may hold:
// every setting but "vaults" and the bucket settings.
var VaultKeys = []string{KeyVaultMode, KeyVaultTags, KeyProtectDays, KeyNotifyEmails, KeyKeySerial, KeyUserName}

// BucketKeys are the settings a bucket's own object in "buckets" may hold.
var BucketKeys = []string{
	KeyBucketName, KeyStorageClass, KeyArchiveAfterDays, KeyKeepDeletedDays,
	KeyProtectDays, KeyNotifyEmails, KeyKeySerial, KeyUserName,
}

// cliKeys are the context keys without a prefix that the CDK CLI itself
// writes into cdk.context.json and so hands to every app: "cdk acknowledge"
// and "cdk cli-telemetry" (aws-cdk 2.1148.1, lib/index.js).
var cliKeys = []string{"acknowledged-issue-numbers", "cli-telemetry"}

// contextProviders are the providers whose lookups the CLI caches in
// cdk.context.json under "<provider>:<query>" keys (cloud-assembly-schema,
// ContextProvider).
var contextProviders = []string{
	"ami", "availability-zones", "hosted-zone", "ssm", "vpc-provider",
	"endpoint-service-availability-zones", "load-balancer",
	"load-balancer-listener", "security-group", "key-provider",
	"cc-api-provider", "plugin",
}

// IsCDKKey reports whether a context key belongs to the CDK rather than to
// the app: feature flags ("@aws-cdk/..."), the CLI's and the framework's
// own keys ("aws:cdk:...", "aws-cdk:..."), the CLI's few reserved keys and
// its cached context lookups.
func IsCDKKey(key string) bool {
	if strings.HasPrefix(key, "@") || strings.HasPrefix(key, "aws:") || strings.HasPrefix(key, "aws-cdk:") {
		return true
	}
	if slices.Contains(cliKeys, key) {
		return true
	}
	provider, _, ok := strings.Cut(key, ":")
	return ok && slices.Contains(contextProviders, provider)
}

// unknownKey is the error for a setting that is not one of known: it names
// the closest known one, and all of them when none is close.
func unknownKey(key string, known []string) error {
	best, dist := closest(key, known)
	if dist <= max(2, len(key)/3) {
		return fmt.Errorf("unknown setting %q: did you mean %q?", key, best)
	}
	return fmt.Errorf("unknown setting %q: did you mean %q? The settings are %s", key, best, strings.Join(known, ", "))
}

// unknownInObject is the error for a key in a vault's or bucket's object
// (kind "vault" or "bucket") that such an object does not take: an app-wide
// setting (vaults, buckets, monthlyBudgetUsd) is named as one, anything else
// gets the closest setting the object takes.
func unknownInObject(kind, key string, known []string) error {
	if slices.Contains(Keys, key) {
		return fmt.Errorf("setting %q is for the whole app: give it at the top level of \"context\", not in a %s's object", key, kind)
	}
	return unknownKey(key, known)
}

// closest returns the candidate nearest to s by edit distance, ignoring
// letter case (so "vaultmode" is 0 away from "vaultMode"), and that
// distance; ties go to the earlier candidate.
func closest(s string, candidates []string) (string, int) {
	best, bestDist := "", -1
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	return best, bestDist
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
