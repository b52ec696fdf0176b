package qnapglacier_test

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/rules"
	"github.com/stretchr/testify/assert"
)

func TestValidateVaultName(t *testing.T) {
	cases := []struct {
		name, vault, wantErr string
	}{
		{"accepts the default", "QNAP-Glacier-Vault", ""},
		{"accepts every allowed character", "aZ09_-.", ""},
		{"accepts 255 characters", strings.Repeat("v", 255), ""},
		{"rejects an empty name", "", "empty: must be 1 to 255 characters from a-z A-Z 0-9 _ - ."},
		{"rejects a space", "my vault", `"my vault" has ' ' at position 3: must be 1 to 255 characters`},
		{"rejects 256 characters", strings.Repeat("v", 256), "is 256 characters: must be 1 to 255"},
		{"rejects a slash", "a/b", `'/' at position 2`},
		{"rejects non-ASCII", "fotos-ü", `'ü' at position 7`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := rules.ValidateVaultName(c.vault)
			if c.wantErr == "" {
				assert.NoError(t, err)
			} else if assert.Error(t, err) {
				assert.Contains(t, err.Error(), c.wantErr)
			}
		})
	}
}

func TestValidateUserName(t *testing.T) {
	cases := []struct {
		name, user, wantErr string
	}{
		{"accepts IAM's characters", "nas+backup=1,a.b@c_d-e", ""},
		{"accepts 64 characters", strings.Repeat("u", 64), ""},
		{"rejects an empty name", "", "empty: must be 1 to 64 characters"},
		{"rejects 65 characters", strings.Repeat("u", 65), "is 65 characters: must be 1 to 64"},
		{"rejects a space", "nas user", `' ' at position 4`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := rules.ValidateUserName(c.user)
			if c.wantErr == "" {
				assert.NoError(t, err)
			} else if assert.Error(t, err) {
				assert.Contains(t, err.Error(), c.wantErr)
			}
		})
	}
}

func TestValidateKeySerial(t *testing.T) {
	for _, ok := range []float64{0, 1, 2, math.MaxInt32} {
		assert.NoError(t, rules.ValidateKeySerial(ok), "serial %v", ok)
	}
	for _, bad := range []float64{-1, 1.5, math.NaN(), math.Inf(1), math.MaxInt32 + 1} {
		err := rules.ValidateKeySerial(bad)
		if assert.Error(t, err, "serial %v", bad) {
			assert.Contains(t, err.Error(), "must be a whole number from 0 to 2147483647")
		}
	}
}

func TestValidateNotifyEmailsChecksEachAddress(t *testing.T) {
	for _, ok := range []string{"owner@example.com", "first.last+nas@mail.example.org"} {
		assert.NoError(t, rules.ValidateNotifyEmails([]string{ok}), ok)
	}
	for _, bad := range []string{"", "owner", "owner@", "@example.com", "owner@localhost",
		"Owner <owner@example.com>", " owner@example.com", "a b@example.com", "owner@example.com,x@example.com"} {
		err := rules.ValidateNotifyEmails([]string{bad})
		if assert.Error(t, err, "%q", bad) {
			assert.Contains(t, err.Error(), "is not an e-mail address: must look like name@example.com")
		}
	}
}

func TestValidatePropsCollectsEveryProblem(t *testing.T) {
	props := &qnapglacier.BackupUserProps{
		VaultName:    jsii.String("my vault"),
		UserName:     jsii.String(strings.Repeat("u", 65)),
		UserPath:     jsii.String("automation"),
		KeySerial:    jsii.Number(-3),
		NotifyEmails: []string{"not-an-address", "a@example.com", "A@example.com"},
	}
	err := props.Validate()
	if !assert.Error(t, err) {
		return
	}
	lines := strings.Split(err.Error(), "\n")
	assert.Len(t, lines, 6, err.Error())
	for i, field := range []string{"VaultName: ", "UserName: ", "UserPath: ", "KeySerial: ", "NotifyEmails: ", "NotifyEmails: "} {
		assert.True(t, strings.HasPrefix(lines[i], field), "line %d %q should name %s", i, lines[i], field)
	}
	assert.Contains(t, lines[5], "listed twice")
}

func TestValidatePropsRejectsMissingVaultName(t *testing.T) {
	assert.EqualError(t, (&qnapglacier.BackupUserProps{}).Validate(), "VaultName: required")
	var nilProps *qnapglacier.BackupUserProps
	assert.ErrorContains(t, nilProps.Validate(), "VaultName")
}

func TestValidatePropsAcceptsMinimalProps(t *testing.T) {
	assert.NoError(t, (&qnapglacier.BackupUserProps{VaultName: jsii.String("v")}).Validate())
}

var stackNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*$`)

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

func TestValidateVaultMode(t *testing.T) {
	for _, m := range qnapglacier.VaultModes() {
		assert.NoError(t, rules.ValidateVaultMode(string(m)))
	}
	for _, bad := range []string{"", "banana", "App", "existing "} {
		assert.ErrorContains(t, rules.ValidateVaultMode(bad), "is not a vault mode: must be one of app, existing, stack", bad)
	}
}

func TestVaultModesCannotBeWidenedFromOutside(t *testing.T) {
	modes := qnapglacier.VaultModes()
	modes[0] = "bogus"
	_ = append(modes, "bogus")
	assert.Equal(t, []qnapglacier.VaultMode{"app", "existing", "stack"}, qnapglacier.VaultModes())
	assert.ErrorContains(t, rules.ValidateVaultMode("bogus"), "is not a vault mode")
	assert.ErrorContains(t, (&qnapglacier.BackupUserProps{VaultName: jsii.String("v"), VaultMode: "bogus"}).Validate(),
		`VaultMode: "bogus" is not a vault mode`)
}

func TestValidateProtectArchivesDays(t *testing.T) {
	for _, ok := range []float64{0, 1, 90, 36500} {
		assert.NoError(t, rules.ValidateProtectArchivesDays(ok), "%v", ok)
	}
	for _, bad := range []float64{-3, 0.5, 36501, math.NaN()} {
		assert.ErrorContains(t, rules.ValidateProtectArchivesDays(bad), "must be a whole number of days from 0 (off) to 36500", "%v", bad)
	}
}

func TestValidateVaultTags(t *testing.T) {
	many := map[string]string{}
	for i := range 49 {
		many[fmt.Sprintf("k%02d", i)] = "v"
	}
	cases := []struct {
		name    string
		tags    map[string]string
		wantErr string
	}{
		{"accepts none", nil, ""},
		{"accepts AWS's characters", map[string]string{"Owner Name": "Ana María +1 @home:/a=b_c.d-e"}, ""},
		{"accepts an empty value", map[string]string{"flag": ""}, ""},
		{"accepts 48 tags", func() map[string]string { m := maps.Clone(many); delete(m, "k00"); return m }(), ""},
		{"rejects 49 tags", many, "49 tags: at most 48"},
		{"rejects an empty key", map[string]string{"": "v"}, `key "": must be 1 to 128 characters`},
		{"rejects a 129-character key", map[string]string{strings.Repeat("k", 129): "v"}, "must be 1 to 128 characters"},
		{"rejects an aws: key", map[string]string{"AWS:x": "v"}, `key "AWS:x": must not start with "aws:"`},
		{"rejects a key the stack sets", map[string]string{"project": "x"}, `key "project": the stack sets this tag itself`},
		{"rejects a bad key character", map[string]string{"a*b": "v"}, `key "a*b" has '*' at position 2`},
		{"rejects a 257-character value", map[string]string{"k": strings.Repeat("v", 257)}, `value of "k": 257 characters`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := rules.ValidateVaultTags(c.tags, nil)
			if c.wantErr == "" {
				assert.NoError(t, err)
			} else {
				assert.ErrorContains(t, err, c.wantErr)
			}
		})
	}
}

func TestValidatePropsChecksTheVaultSettings(t *testing.T) {
	err := (&qnapglacier.BackupUserProps{
		VaultName:           jsii.String("v"),
		VaultMode:           "banana",
		ProtectArchivesDays: jsii.Number(-3),
		VaultTags:           map[string]string{"aws:x": "1"},
	}).Validate()
	assert.EqualError(t, err, `VaultMode: "banana" is not a vault mode: must be one of app, existing, stack`+"\n"+
		`ProtectArchivesDays: -3: must be a whole number of days from 0 (off) to 36500`+"\n"+
		`VaultTags: key "aws:x": must not start with "aws:", which AWS reserves`)
}

func TestRejectsTagsTheAppModeWatcherCannotCarry(t *testing.T) {
	big := map[string]string{}
	for i := range 10 {
		big[fmt.Sprintf("%03d", i)+strings.Repeat("k", 125)] = strings.Repeat("v", 256)
	}
	cases := []struct {
		name    string
		props   qnapglacier.BackupUserProps
		wantErr string
	}{
		{"rejects ten longest tags in app mode", qnapglacier.BackupUserProps{VaultName: jsii.String("Photos"), VaultTags: big},
			"VaultTags: 3901 characters of tags as JSON: in app mode the watcher carries them"},
		{"accepts them in existing mode, which carries no tags in a Lambda", qnapglacier.BackupUserProps{
			VaultName: jsii.String("Photos"), VaultTags: big, VaultMode: qnapglacier.VaultModeExisting}, ""},
		{"accepts a few tags with protection in app mode", qnapglacier.BackupUserProps{
			VaultName: jsii.String(strings.Repeat("v", 255)), VaultTags: map[string]string{"owner": "me", "site": "home"},
			ProtectArchivesDays: jsii.Number(90)}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.props.Validate()
			if c.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			if assert.Error(t, err) {
				assert.Contains(t, err.Error(), c.wantErr)
				assert.Regexp(t, `this vault can carry at most \d+ characters of tags`, err.Error())
			}
		})
	}
}
