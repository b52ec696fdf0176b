package rules

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"net/mail"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// What each setting allows, as the checks below say it. Callers that must
// say what is allowed before they have a value (a setting that is not a
// number at all) use these; no one parses them out of an error.
const (
	VaultModeAllowed           = "must be one of app, existing, stack"
	StorageClassAllowed        = "must be one of GLACIER_IR, GLACIER, DEEP_ARCHIVE"
	ProtectArchivesDaysAllowed = "must be a whole number of days from 0 (off) to 36500"
	ArchiveAfterDaysAllowed    = "must be a whole number of days from 0 to 36500"
	KeepDeletedDaysAllowed     = "must be a whole number of days from 1 to 36500"
	KeySerialAllowed           = "must be a whole number from 0 to 2147483647"
	MonthlyBudgetUsdAllowed    = "must be more than 0 and at most 100000 US dollars, with at most 2 decimals (cents)"
	VaultNameAllowed           = "must be 1 to 255 characters from a-z A-Z 0-9 _ - ."
	UserNameAllowed            = "must be 1 to 64 characters from a-z A-Z 0-9 + = , . @ _ -"
	UserPathAllowed            = "must be \"/\" or start and end with \"/\", at most 512 printable ASCII characters"
	BucketNameAllowed          = "must be 3 to 63 characters from a-z 0-9 -, starting and ending with a letter or digit"
	EmailAllowed               = "must look like name@example.com"
	tagCharsAllowed            = "letters, digits, spaces and _ . : / = + - @"
)

// The enums' values, as the settings spell them. The construct library's
// VaultModes() and StorageClasses() return the same (a test holds them
// equal).
var (
	VaultModes     = []string{"app", "existing", "stack"}
	StorageClasses = []string{"GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"}
)

// DefaultKeySerial is the access key serial used when none is given.
const DefaultKeySerial = 1

// DefaultStorageClass is the archive class used when none is given.
const DefaultStorageClass = "GLACIER_IR"

// Limits on the settings.
const (
	// MaxProtectArchivesDays is the largest ProtectArchivesDays (100 years).
	MaxProtectArchivesDays = 36500
	// MaxBucketDays is the largest ArchiveAfterDays or KeepDeletedDays
	// (100 years).
	MaxBucketDays = 36500
	// MaxVaultTags leaves room for the two tags the stack adds within
	// Glacier's 50 tags per vault.
	MaxVaultTags = 48
	// MaxUserPathLen is IAM's limit on a path.
	MaxUserPathLen = 512
)

var (
	vaultNameRe  = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	userNameRe   = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]+$`)
	userPathRe   = regexp.MustCompile(`^/([\x21-\x7E]*/)?$`)
	tagCharsRe   = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	bucketNameRe = regexp.MustCompile(`^[a-z0-9-]+$`)
)

// ValidateVaultMode checks a vault mode: app, existing or stack.
func ValidateVaultMode(mode string) error {
	if slices.Contains(VaultModes, mode) {
		return nil
	}
	return fmt.Errorf("%q is not a vault mode: %s", mode, VaultModeAllowed)
}

// ValidateStorageClass checks an archive storage class: GLACIER_IR,
// GLACIER or DEEP_ARCHIVE.
func ValidateStorageClass(class string) error {
	if slices.Contains(StorageClasses, class) {
		return nil
	}
	return fmt.Errorf("%q is not an archive storage class: %s", class, StorageClassAllowed)
}

// StorageClassMinimumDays is the minimum storage charge of an archive
// class, in days: an object deleted earlier is charged for the rest anyway.
func StorageClassMinimumDays(class string) float64 {
	if class == "DEEP_ARCHIVE" {
		return 180
	}
	return 90
}

func wholeIn(n, lo, hi float64) bool { return n >= lo && n <= hi && n == math.Trunc(n) }

// ValidateProtectArchivesDays checks a protection period: a whole number of
// days from 0 (off) to 36500.
func ValidateProtectArchivesDays(days float64) error {
	if !wholeIn(days, 0, MaxProtectArchivesDays) {
		return fmt.Errorf("%v: %s", days, ProtectArchivesDaysAllowed)
	}
	return nil
}

// ValidateArchiveAfterDays checks the days before the lifecycle archives an
// object: a whole number from 0 to 36500.
func ValidateArchiveAfterDays(days float64) error {
	if !wholeIn(days, 0, MaxBucketDays) {
		return fmt.Errorf("%v: %s", days, ArchiveAfterDaysAllowed)
	}
	return nil
}

// ValidateKeepDeletedDays checks the days a noncurrent version is kept: a
// whole number from 1 to 36500 (S3's lifecycle counts from 1).
func ValidateKeepDeletedDays(days float64) error {
	if !wholeIn(days, 1, MaxBucketDays) {
		return fmt.Errorf("%v: %s", days, KeepDeletedDaysAllowed)
	}
	return nil
}

// ValidateKeySerial checks an access key serial: a whole number from 0 to
// 2147483647.
func ValidateKeySerial(serial float64) error {
	if !wholeIn(serial, 0, math.MaxInt32) {
		return fmt.Errorf("%v: %s", serial, KeySerialAllowed)
	}
	return nil
}

// ValidateVaultName checks a Glacier vault name: 1 to 255 characters from
// a-z, A-Z, 0-9, "_", "-" and ".".
func ValidateVaultName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty: %s", VaultNameAllowed)
	case len(name) > MaxVaultNameLen:
		return fmt.Errorf("%q is %d characters: %s", abbreviate(name), len(name), VaultNameAllowed)
	case !vaultNameRe.MatchString(name):
		return fmt.Errorf("%q has %s: %s", name, firstBadChar(name, vaultNameRe), VaultNameAllowed)
	}
	return nil
}

// ValidateUserName checks an IAM user name: 1 to 64 characters from
// letters, digits and "+=,.@_-".
func ValidateUserName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty: %s", UserNameAllowed)
	case len(name) > MaxUserNameLen:
		return fmt.Errorf("%q is %d characters: %s", abbreviate(name), len(name), UserNameAllowed)
	case !userNameRe.MatchString(name):
		return fmt.Errorf("%q has %s: %s", name, firstBadChar(name, userNameRe), UserNameAllowed)
	}
	return nil
}

// ValidateUserPath checks an IAM path: "/" or text that starts and ends
// with "/", at most 512 printable ASCII characters.
func ValidateUserPath(path string) error {
	if len(path) > MaxUserPathLen || !userPathRe.MatchString(path) {
		return fmt.Errorf("%q: %s", path, UserPathAllowed)
	}
	return nil
}

// ValidateVaultTags checks tags against AWS's tag rules: keys of 1 to 128
// characters not starting with "aws:", values of up to 256 characters, both
// from letters, digits, spaces and _ . : / = + - @; at most 48 tags; none
// of the tags the stack sets itself. A key or value for which isToken
// (which may be nil) is true is known only at deploy time, and not checked.
func ValidateVaultTags(tags map[string]string, isToken func(string) bool) error {
	token := func(s string) bool { return isToken != nil && isToken(s) }
	var errs []error
	if len(tags) > MaxVaultTags {
		errs = append(errs, fmt.Errorf("%d tags: at most %d (Glacier allows 50 per vault and the stack adds 2)", len(tags), MaxVaultTags))
	}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		v := tags[k]
		switch {
		case token(k):
			// Known only at deploy time: AWS checks it then.
		case k == "" || utf8.RuneCountInString(k) > 128:
			errs = append(errs, fmt.Errorf("key %q: must be 1 to 128 characters", abbreviate(k)))
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			errs = append(errs, fmt.Errorf("key %q: must not start with \"aws:\", which AWS reserves", k))
		case !tagCharsRe.MatchString(k):
			errs = append(errs, fmt.Errorf("key %q has %s: must be %s", k, firstBadChar(k, tagCharsRe), tagCharsAllowed))
		case k == ProjectTag || k == VaultTag:
			errs = append(errs, fmt.Errorf("key %q: the stack sets this tag itself", k))
		}
		switch {
		case token(v):
		case utf8.RuneCountInString(v) > 256:
			errs = append(errs, fmt.Errorf("value of %q: %d characters, must be at most 256", k, utf8.RuneCountInString(v)))
		case !tagCharsRe.MatchString(v):
			errs = append(errs, fmt.Errorf("value of %q has %s: must be %s", k, firstBadChar(v, tagCharsRe), tagCharsAllowed))
		}
	}
	return errors.Join(errs...)
}

// validateEmail checks that s is a bare e-mail address such as
// "owner@example.com", with no display name or angle brackets.
func validateEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndex(s, "@"):], ".") {
		return fmt.Errorf("%q is not an e-mail address: %s", s, EmailAllowed)
	}
	return nil
}

// NotifyEmailProblems checks a list of e-mail addresses: each a bare
// address such as "owner@example.com" (no display name or angle brackets),
// none listed twice (in any letter case). It returns one error per
// problem. An address for which isToken (which may be nil) is true is not
// checked.
func NotifyEmailProblems(emails []string, isToken func(string) bool) []error {
	var errs []error
	seen := map[string]bool{}
	for _, e := range emails {
		if isToken != nil && isToken(e) {
			continue
		}
		if err := validateEmail(e); err != nil {
			errs = append(errs, err)
		} else if k := strings.ToLower(e); seen[k] {
			errs = append(errs, fmt.Errorf("%q is listed twice: list each address once", e))
		} else {
			seen[k] = true
		}
	}
	return errs
}

// ValidateNotifyEmails is NotifyEmailProblems joined, with no tokens.
func ValidateNotifyEmails(emails []string) error {
	return errors.Join(NotifyEmailProblems(emails, nil)...)
}

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
	const allowed = BucketNameAllowed
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

// MaxMonthlyBudgetUsd bounds a cost budget's monthly limit. It is far above
// anything these stacks could cost (100,000 USD a month stores some 25 PB
// in Glacier at about $0.004 per GB-month), so a larger value is a typo
// (a misplaced decimal point, cents for dollars) rather than a plan.
const MaxMonthlyBudgetUsd = 100000

// MaxBudgetEmails is AWS Budgets' limit on e-mail subscribers per
// notification.
const MaxBudgetEmails = 10

// ValidateMonthlyBudgetUsd checks a monthly budget in US dollars.
func ValidateMonthlyBudgetUsd(usd float64) error {
	if math.IsNaN(usd) || usd <= 0 || usd > MaxMonthlyBudgetUsd {
		return fmt.Errorf("%v: %s", usd, MonthlyBudgetUsdAllowed)
	}
	text := strconv.FormatFloat(usd, 'f', -1, 64)
	if _, frac, ok := strings.Cut(text, "."); ok && len(frac) > 2 {
		return fmt.Errorf("%s has %d decimals: %s", text, len(frac), MonthlyBudgetUsdAllowed)
	}
	return nil
}

// ValidateBudgetEmails checks a budget's e-mail subscribers: at least one
// (a budget that tells no one is a silent one), at most AWS Budgets' 10.
func ValidateBudgetEmails(emails []string) error {
	switch {
	case len(emails) == 0:
		return errors.New("no e-mail address: the budget e-mails its warnings, so give at least one")
	case len(emails) > MaxBudgetEmails:
		return fmt.Errorf("%d e-mail addresses: AWS Budgets e-mails at most %d per warning", len(emails), MaxBudgetEmails)
	}
	return ValidateNotifyEmails(emails)
}

// firstBadChar describes the first character of s that re does not allow.
func firstBadChar(s string, re *regexp.Regexp) string {
	for i, r := range s {
		if !re.MatchString(string(r)) {
			return fmt.Sprintf("%q at position %d", r, i+1)
		}
	}
	return "a character that is not allowed"
}

// abbreviate shortens a long value for an error message.
func abbreviate(s string) string {
	if len(s) <= 40 {
		return s
	}
	return s[:20] + "..." + s[len(s)-10:]
}
