package rules_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

func TestDerivedNamesKeepShortNamesReadable(t *testing.T) {
	assert.Equal(t, "QNAP-Glacier-Vault-user", rules.DefaultUserName("QNAP-Glacier-Vault"))
	assert.Equal(t, "QNAPGlacierIAMUserPolicy-QNAP-Glacier-Vault", rules.VaultPolicyName("QNAP-Glacier-Vault"))
	assert.Equal(t, "QnapGlacier-QNAP-Glacier-Vault", rules.StackName("QNAP-Glacier-Vault"))
}

func TestDerivedNamesFitAWSLimitsForLongVaultNames(t *testing.T) {
	for _, n := range []int{1, 58, 59, 60, 103, 104, 116, 117, 200, 255} {
		for _, fill := range []string{"v", "v_"} {
			vault := strings.Repeat(fill, n)[:n]
			user, policy, stack := rules.DefaultUserName(vault), rules.VaultPolicyName(vault), rules.StackName(vault)
			assert.LessOrEqual(t, len(user), 64, "user name for %d-character vault", n)
			assert.LessOrEqual(t, len(policy), 128, "policy name for %d-character vault", n)
			assert.LessOrEqual(t, len(stack), 128, "stack name for %d-character vault", n)
			assert.NoError(t, rules.ValidateUserName(user))
			assert.Regexp(t, stackNameRe, stack)
			assert.True(t, strings.HasSuffix(user, "-user"), user)
			assert.True(t, strings.HasPrefix(policy, "QNAPGlacierIAMUserPolicy-"), policy)
		}
	}
}

func TestDerivedNamesAreDeterministicAndDistinct(t *testing.T) {
	long := strings.Repeat("a", 200)
	assert.Equal(t, rules.DefaultUserName(long+"1"), rules.DefaultUserName(long+"1"))
	assert.NotEqual(t, rules.DefaultUserName(long+"1"), rules.DefaultUserName(long+"2"))
	assert.NotEqual(t, rules.VaultPolicyName(long+"1"), rules.VaultPolicyName(long+"2"))
	assert.NotEqual(t, rules.StackName(long+"1"), rules.StackName(long+"2"))
}

func TestStackNameKeepsVaultsApartThatDifferOnlyInPunctuation(t *testing.T) {
	names := map[string]string{}
	for _, v := range []string{"photos-2024", "photos_2024", "photos.2024"} {
		s := rules.StackName(v)
		assert.Regexp(t, stackNameRe, s)
		assert.NotContains(t, names, s, "%s and %s share a stack name", v, names[s])
		names[s] = v
	}
}

// stackNameRe is CloudFormation's rule for a stack name.
var stackNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*$`)

// The app's stack names also name the stacks cmd/check looks for: one
// derivation, here, for both (cmd/check once kept a copy).
func TestStackNameOfEachKindOfName(t *testing.T) {
	long := strings.Repeat("x", 200)
	for name, want := range map[string]string{
		"QNAP-Glacier-Vault":  "QnapGlacier-QNAP-Glacier-Vault",
		"family-photos":       "QnapGlacier-family-photos",
		"Photos_2024.archive": "QnapGlacier-Photos-2024-archive-" + rules.ShortHash("Photos_2024.archive"),
		long:                  "QnapGlacier-" + long[:128-len("QnapGlacier-")-9] + "-" + rules.ShortHash(long),
	} {
		assert.Equal(t, want, rules.StackName(name), name)
		assert.LessOrEqual(t, len(rules.StackName(name)), 128)
	}
}

// Each "allowed" text a setting's reader shows before it has a number to
// check is the one the check itself gives.
func TestAllowedTextsAreTheChecksOwn(t *testing.T) {
	for allowed, check := range map[string]func(float64) error{
		rules.ProtectArchivesDaysAllowed: rules.ValidateProtectArchivesDays,
		rules.ArchiveAfterDaysAllowed:    rules.ValidateArchiveAfterDays,
		rules.KeepDeletedDaysAllowed:     rules.ValidateKeepDeletedDays,
		rules.KeySerialAllowed:           rules.ValidateKeySerial,
		rules.MonthlyBudgetUsdAllowed:    rules.ValidateMonthlyBudgetUsd,
	} {
		err := check(-1)
		if assert.Error(t, err, allowed) {
			assert.True(t, strings.HasSuffix(err.Error(), ": "+allowed), err.Error())
		}
	}
	assert.Contains(t, rules.MonthlyBudgetUsdAllowed, " 100000 ")
	assert.EqualError(t, rules.ValidateVaultMode("x"), `"x" is not a vault mode: `+rules.VaultModeAllowed)
	assert.EqualError(t, rules.ValidateStorageClass("x"), `"x" is not an archive storage class: `+rules.StorageClassAllowed)
}
