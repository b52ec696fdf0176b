package config_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/qnap-glacier/qnap-glacier/internal/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultsNeedNoConfiguration(t *testing.T) {
	c, err := config.FromContext(nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"QNAP-Glacier-Vault"}, c.Vaults)
	p := c.Settings["QNAP-Glacier-Vault"]
	assert.Empty(t, p.NotifyEmails)
	assert.Equal(t, 1.0, p.KeySerial)
	assert.Empty(t, p.UserName)
	assert.Equal(t, "QNAP-Glacier-Vault-user", c.UserName("QNAP-Glacier-Vault"))
}

func TestReadsCommandLineAndCdkJSONForms(t *testing.T) {
	cases := []struct {
		name   string
		ctx    map[string]any
		vaults []string
		emails []string
		serial float64
	}{
		{"comma-separated strings from -c", map[string]any{"vaults": "a, b_c,d.e", "notifyEmails": "x@example.com,y@example.org", "keySerial": "2"},
			[]string{"a", "b_c", "d.e"}, []string{"x@example.com", "y@example.org"}, 2},
		{"JSON array in a -c string", map[string]any{"vaults": `["a","b"]`}, []string{"a", "b"}, nil, 1},
		{"JSON values from cdk.json", map[string]any{"vaults": []any{"a"}, "notifyEmails": []any{"x@example.com"}, "keySerial": 7.0},
			[]string{"a"}, []string{"x@example.com"}, 7},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := config.FromContext(c.ctx)
			require.NoError(t, err)
			assert.Equal(t, c.vaults, got.Vaults)
			for _, v := range c.vaults {
				p := got.Settings[v]
				assert.Equal(t, c.emails, p.NotifyEmails)
				assert.Equal(t, c.serial, p.KeySerial)
			}
		})
	}
}

func TestRejectsBadSettings(t *testing.T) {
	cases := []struct {
		name string
		ctx  map[string]any
		want string
	}{
		{"rejects a vault name with a space", map[string]any{"vaults": "my vault"},
			`context "vaults": "my vault" has ' ' at position 3: must be 1 to 255 characters from a-z A-Z 0-9 _ - .`},
		{"rejects an empty vault list", map[string]any{"vaults": ""},
			`context "vaults": no vault names: give at least one`},
		{"rejects an empty vault name in a list", map[string]any{"vaults": "a,,b"},
			`context "vaults": empty: must be 1 to 255 characters`},
		{"rejects a 256-character vault name", map[string]any{"vaults": strings.Repeat("v", 256)},
			`context "vaults": "vvvvvvvvvvvvvvvvvvvv...vvvvvvvvvv" is 256 characters: must be 1 to 255`},
		{"rejects a vault given as null", map[string]any{"vaults": map[string]any{"A": nil}},
			`context "vaults": vault "A": null is not an object of settings: give {} or settings such as {"vaultMode": "existing"}`},
		{"rejects a vault given as null in a -c string", map[string]any{"vaults": `{"A":null}`},
			`context "vaults": vault "A": null is not an object of settings`},
		{"rejects a duplicate vault", map[string]any{"vaults": "a,b,a"},
			`context "vaults": "a" is listed twice`},
		{"rejects malformed JSON", map[string]any{"vaults": `["a",`},
			`context "vaults": malformed JSON array ["a",: unexpected end of JSON input; give a JSON array of strings or a comma-separated list`},
		{"rejects a non-string item", map[string]any{"vaults": []any{"a", 3.0}},
			`context "vaults": item 2 is 3, not a string`},
		{"rejects a number", map[string]any{"vaults": 3.0},
			`context "vaults": 3 is neither a JSON array of strings nor a comma-separated string`},
		{"rejects a bad e-mail", map[string]any{"notifyEmails": "owner@example.com,not-an-address"},
			`context "notifyEmails": "not-an-address" is not an e-mail address: must look like name@example.com`},
		{"rejects a duplicate e-mail", map[string]any{"notifyEmails": "a@example.com,A@example.com"},
			`context "notifyEmails": "A@example.com" is listed twice`},
		{"rejects a non-numeric serial", map[string]any{"keySerial": "abc"},
			`context "keySerial": "abc" is not a number: must be a whole number from 0 to 2147483647`},
		{"rejects a negative serial", map[string]any{"keySerial": "-1"},
			`context "keySerial": -1: must be a whole number from 0 to 2147483647`},
		{"rejects a fractional serial", map[string]any{"keySerial": 1.5},
			`context "keySerial": 1.5: must be a whole number`},
		{"rejects a user name with several vaults", map[string]any{"vaults": "a,b", "userName": "nas"},
			`context "userName": "nas" given with 2 vaults: a user name applies to one vault only; drop it to get "<vault>-user" per vault, or give a vault its own in "vaults"`},
		{"rejects a bad user name", map[string]any{"userName": "nas user"},
			`context "userName": "nas user" has ' ' at position 4`},
		{"rejects a non-string user name", map[string]any{"userName": 5.0},
			`context "userName": 5 is not a string`},
		{"rejects an unknown vault mode", map[string]any{"vaultMode": "banana"},
			`context "vaultMode": "banana" is not a vault mode: must be one of app, existing, stack`},
		{"rejects an unknown mode for one vault", map[string]any{"vaults": "a,b", "vaultMode": `{"b":"banana"}`},
			`context "vaultMode": vault "b": "banana" is not a vault mode`},
		{"rejects a mode for a vault that is not listed", map[string]any{"vaults": "a", "vaultMode": map[string]any{"c": "stack"}},
			`context "vaultMode": "c" is not one of the vaults (a): key a per-vault setting by vault name`},
		{"rejects a malformed mode object", map[string]any{"vaultMode": `{"a":`},
			`context "vaultMode": malformed JSON object {"a":: unexpected end of JSON input; give a vault mode, or a JSON object of vault names to modes`},
		{"rejects negative protection", map[string]any{"protectArchivesDays": "-3"},
			`context "protectArchivesDays": -3: must be a whole number of days from 0 (off) to 36500`},
		{"rejects non-numeric protection", map[string]any{"protectArchivesDays": "abc"},
			`context "protectArchivesDays": "abc" is not a number: must be a whole number of days from 0 (off) to 36500`},
		{"rejects bad protection for one vault", map[string]any{"vaults": "a,b", "protectArchivesDays": `{"b":-1}`},
			`context "protectArchivesDays": vault "b": -1: must be a whole number of days`},
		{"rejects malformed vault tags", map[string]any{"vaultTags": `{"owner":`},
			`context "vaultTags": malformed JSON object {"owner":: unexpected end of JSON input; give a JSON object of tags, {"key":"value"}, or a JSON object of vault names to such objects`},
		{"rejects vault tags that are not an object", map[string]any{"vaultTags": []any{"owner"}},
			`context "vaultTags": ["owner"] is not a JSON object of tags`},
		{"rejects a reserved tag key", map[string]any{"vaultTags": `{"aws:owner":"me"}`},
			`context "vaultTags": key "aws:owner": must not start with "aws:", which AWS reserves`},
		{"rejects a tag value with a bad character", map[string]any{"vaultTags": `{"owner":"me!"}`},
			`context "vaultTags": value of "owner" has '!' at position 3: must be letters, digits, spaces and _ . : / = + - @`},
		{"rejects a tag value over 256 characters", map[string]any{"vaultTags": map[string]any{"note": strings.Repeat("n", 257)}},
			`context "vaultTags": value of "note": 257 characters, must be at most 256`},
		{"rejects a non-string tag value", map[string]any{"vaultTags": `{"n":1}`},
			`context "vaultTags": tag "n" has 1, not a string`},
		{"rejects an unknown setting, naming the closest", map[string]any{"vault": "Family-Photos"},
			`unknown setting "vault": did you mean "vaults"?`},
		{"rejects a setting in the wrong letter case", map[string]any{"vaultmode": "existing"},
			`unknown setting "vaultmode": did you mean "vaultMode"?`},
		{"rejects a singular for a plural", map[string]any{"protectArchiveDays": 90.0},
			`unknown setting "protectArchiveDays": did you mean "protectArchivesDays"?`},
		{"rejects notifyEmail", map[string]any{"notifyEmail": "me@example.com"},
			`unknown setting "notifyEmail": did you mean "notifyEmails"?`},
		{"rejects a setting far from any, listing them all", map[string]any{"region": "eu-west-1"},
			`unknown setting "region": did you mean "vaults"? The settings are vaults, notifyEmails, keySerial, userName, vaultMode, vaultTags, protectArchivesDays`},
		{"rejects an unknown field in a vault's object", map[string]any{"vaults": map[string]any{"a": map[string]any{"protectArchiveDays": 90.0}}},
			`context "vaults": vault "a": unknown setting "protectArchiveDays": did you mean "protectArchivesDays"?`},
		{"rejects a field in the wrong case in a vault's object", map[string]any{"vaults": `{"a":{"VaultMode":"stack"}}`},
			`context "vaults": vault "a": unknown setting "VaultMode": did you mean "vaultMode"?`},
		{"rejects vaults inside a vault's object", map[string]any{"vaults": map[string]any{"a": map[string]any{"vaults": "b"}}},
			`context "vaults": vault "a": setting "vaults" is for the whole app: give it at the top level of "context", not in a vault's object`},
		{"rejects the app's budget inside a vault's object", map[string]any{"vaults": map[string]any{"a": map[string]any{"monthlyBudgetUsd": 10.0}}, "notifyEmails": "me@example.com"},
			`context "vaults": vault "a": setting "monthlyBudgetUsd" is for the whole app: give it at the top level of "context", not in a vault's object`},
		{"rejects a vault's settings that are not an object", map[string]any{"vaults": map[string]any{"a": "existing"}},
			`context "vaults": vault "a": "existing" is not an object of settings: give {} or settings such as {"vaultMode": "existing"}`},
		{"rejects a vault's null settings", map[string]any{"vaults": `{"a":null}`},
			`context "vaults": vault "a": null is not an object of settings`},
		{"rejects a per-vault number of the wrong type", map[string]any{"vaults": map[string]any{"a": map[string]any{"protectArchivesDays": true}}},
			`context "vaults": vault "a": setting "protectArchivesDays": true is not a number: must be a whole number of days from 0 (off) to 36500`},
		{"rejects a per-vault mode of the wrong type", map[string]any{"vaults": map[string]any{"a": map[string]any{"vaultMode": 1.0}}},
			`context "vaults": vault "a": setting "vaultMode": 1 is not a vault mode: must be one of app, existing, stack`},
		{"rejects per-vault tags that are not an object", map[string]any{"vaults": map[string]any{"a": map[string]any{"vaultTags": []any{"owner"}}}},
			`context "vaults": vault "a": setting "vaultTags": ["owner"] is not a JSON object of tags`},
		{"rejects a bad per-vault e-mail", map[string]any{"vaults": map[string]any{"a": map[string]any{"notifyEmails": []any{"me"}}}},
			`context "vaults": vault "a": setting "notifyEmails": "me" is not an e-mail address`},
		{"rejects a per-vault user name of the wrong type", map[string]any{"vaults": map[string]any{"a": map[string]any{"userName": 5.0}}},
			`context "vaults": vault "a": setting "userName": 5 is not a string`},
		{"rejects a per-vault serial below 0", map[string]any{"vaults": map[string]any{"a": map[string]any{"keySerial": -1.0}}},
			`context "vaults": vault "a": setting "keySerial": -1: must be a whole number from 0`},
		{"rejects a per-setting map naming a vault not in the vaults object", map[string]any{"vaults": map[string]any{"a": map[string]any{}}, "protectArchivesDays": map[string]any{"b": 90.0}},
			`context "protectArchivesDays": "b" is not one of the vaults (a): key a per-vault setting by vault name`},
		{"rejects a setting given in both per-vault places", map[string]any{"vaults": map[string]any{"a": map[string]any{"vaultMode": "stack"}}, "vaultMode": `{"a":"existing"}`},
			`context "vaults": vault "a": setting "vaultMode" is also given for this vault in context "vaultMode": give it in one place`},
		{"rejects an empty vaults object", map[string]any{"vaults": map[string]any{}},
			`context "vaults": no vault names: give at least one`},
		{"rejects a malformed vaults object", map[string]any{"vaults": `{"a":`},
			`context "vaults": malformed JSON object {"a":: unexpected end of JSON input; give a JSON object of vault names to their settings`},
		{"rejects a bad vault name as an object key", map[string]any{"vaults": map[string]any{"my vault": map[string]any{}}},
			`context "vaults": "my vault" has ' ' at position 3`},
		{"rejects vault names that differ only in case", map[string]any{"vaults": "Photos,photos"},
			`context "vaults": "Photos" and "photos" differ only in letter case: IAM user and policy names ignore case, so their users would collide; rename one`},
		{"rejects vault object keys that differ only in case", map[string]any{"vaults": map[string]any{"Photos": map[string]any{}, "photos": map[string]any{}}},
			`context "vaults": "Photos" and "photos" differ only in letter case`},
		{"rejects user names that differ only in case", map[string]any{"vaults": map[string]any{"a": map[string]any{"userName": "B-user"}, "b": map[string]any{}}},
			`context "vaults": vaults "a" and "b" get IAM users "B-user" and "b-user", one name to IAM, which ignores letter case: give one of them another "userName"`},
		{"rejects two vaults with one user name", map[string]any{"vaults": map[string]any{"a": map[string]any{"userName": "nas"}, "b": map[string]any{"userName": "nas"}}},
			`context "vaults": vaults "a" and "b" both get IAM user "nas": IAM user names are unique per account; give one of them another "userName"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := config.FromContext(c.ctx)
			assert.Nil(t, got)
			if assert.Error(t, err) {
				assert.Contains(t, err.Error(), c.want)
				assert.NotContains(t, err.Error(), "\n", "one problem, one line")
			}
		})
	}
}

func TestVaultSettingsApplyToEveryVaultOrPerVault(t *testing.T) {
	c, err := config.FromContext(map[string]any{
		"vaults": "a,b", "vaultMode": "existing", "vaultTags": `{"owner":"me"}`, "protectArchivesDays": 90.0,
	})
	require.NoError(t, err)
	for _, v := range []string{"a", "b"} {
		p := c.Settings[v]
		assert.Equal(t, "existing", p.Mode, v)
		assert.Equal(t, map[string]string{"owner": "me"}, p.Tags, v)
		assert.Equal(t, 90.0, p.ProtectArchivesDays, v)
	}

	c, err = config.FromContext(map[string]any{
		"vaults": "a,b", "vaultMode": map[string]any{"b": "stack"}, "vaultTags": `{"b":{"owner":"me"}}`,
	})
	require.NoError(t, err)
	a, b := c.Settings["a"], c.Settings["b"]
	assert.Equal(t, "", a.Mode, "unlisted vaults keep the default, app")
	assert.Empty(t, a.Tags)
	assert.Zero(t, a.ProtectArchivesDays)
	assert.Equal(t, "stack", b.Mode)
	assert.Equal(t, map[string]string{"owner": "me"}, b.Tags)

	c, err = config.FromContext(map[string]any{"vaults": "a,b", "protectArchivesDays": `{"b":180}`})
	require.NoError(t, err)
	assert.Zero(t, c.Settings["a"].ProtectArchivesDays)
	assert.Equal(t, 180.0, c.Settings["b"].ProtectArchivesDays)
}

func TestReportsEveryProblemOnItsOwnLine(t *testing.T) {
	_, err := config.FromContext(map[string]any{"vaults": "a b,c", "notifyEmails": "x", "keySerial": "-2"})
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 3)
	assert.True(t, strings.HasPrefix(lines[0], `context "vaults"`))
	assert.True(t, strings.HasPrefix(lines[1], `context "notifyEmails"`))
	assert.True(t, strings.HasPrefix(lines[2], `context "keySerial"`))
}

func TestAcceptsTheCDKsOwnContextKeys(t *testing.T) {
	ctx := map[string]any{
		"@aws-cdk/core:target-partitions":                   []any{"aws"},
		"@aws-cdk/core:failSynthOnValidationErrors":         false,
		"aws:cdk:enable-path-metadata":                      true,
		"aws:cdk:enable-asset-metadata":                     true,
		"aws:cdk:version-reporting":                         true,
		"aws:cdk:bundling-stacks":                           []any{"**"},
		"aws-cdk:subnet-type":                               "x",
		"acknowledged-issue-numbers":                        []any{32775.0},
		"cli-telemetry":                                     false,
		"availability-zones:account=111122223333:region=eu": []any{"eu-west-1a"},
	}
	_, err := config.FromContext(ctx)
	assert.NoError(t, err)
}

func TestIsCDKKeyKnowsOnlyTheCDKsPrefixesAndReservedKeys(t *testing.T) {
	for key, want := range map[string]bool{
		"@aws-cdk/aws-iam:minimizePolicies":      true,
		"aws:cdk:disable-stack-trace":            true,
		"aws-cdk:isolated":                       true,
		"acknowledged-issue-numbers":             true,
		"ssm:account=1:parameterName=x:region=y": true,
		"vaults":                                 false,
		"aws":                                    false,
		"awsRegion":                              false,
		"ssm":                                    false,
		"cdk-vaults":                             false,
		"vaults:x":                               false,
	} {
		assert.Equal(t, want, config.IsCDKKey(key), key)
	}
}

func TestVaultObjectHoldsEachVaultsSettingsOverTheGlobalOnes(t *testing.T) {
	c, err := config.FromContext(map[string]any{
		"vaults": map[string]any{
			"Family-Photos": map[string]any{"vaultMode": "existing", "protectArchivesDays": 90.0, "vaultTags": map[string]any{"owner": "me"}},
			"Holiday":       map[string]any{},
			"Old":           map[string]any{"vaultMode": "app", "keySerial": 3.0, "notifyEmails": []any{"old@example.com"}, "userName": "old-nas"},
		},
		"notifyEmails": []any{"me@example.com"},
		"keySerial":    2.0,
		"vaultMode":    "stack",
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"Family-Photos", "Holiday", "Old"}, c.Vaults, "vaults in name order")

	photos := c.Settings["Family-Photos"]
	assert.Equal(t, "existing", photos.Mode)
	assert.Equal(t, 90.0, photos.ProtectArchivesDays)
	assert.Equal(t, map[string]string{"owner": "me"}, photos.Tags)
	assert.Equal(t, []string{"me@example.com"}, photos.NotifyEmails, "global e-mails")
	assert.Equal(t, 2.0, photos.KeySerial, "global serial")
	assert.Empty(t, photos.UserName)

	holiday := c.Settings["Holiday"]
	assert.Equal(t, "stack", holiday.Mode, "global mode")
	assert.Zero(t, holiday.ProtectArchivesDays)
	assert.Empty(t, holiday.Tags)

	old := c.Settings["Old"]
	assert.Equal(t, "app", old.Mode, "its own mode over the global one")
	assert.Equal(t, 3.0, old.KeySerial)
	assert.Equal(t, []string{"old@example.com"}, old.NotifyEmails)
	assert.Equal(t, "old-nas", old.UserName, "a user name per vault is fine with several vaults")
}

func TestVaultObjectWorksFromTheCommandLineAndWithPerSettingMaps(t *testing.T) {
	c, err := config.FromContext(map[string]any{
		"vaults":              `{"b":{"keySerial":"5"},"a":{}}`,
		"protectArchivesDays": `{"a":30}`,
		"vaultTags":           `{"b":{"owner":"me"}}`,
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, c.Vaults)
	assert.Equal(t, 30.0, c.Settings["a"].ProtectArchivesDays)
	assert.Empty(t, c.Settings["a"].Tags)
	assert.Equal(t, 5.0, c.Settings["b"].KeySerial)
	assert.Equal(t, map[string]string{"owner": "me"}, c.Settings["b"].Tags)
}

func TestReportsEveryProblemInAVaultsObjectOnItsOwnLine(t *testing.T) {
	_, err := config.FromContext(map[string]any{
		"vault": "x",
		"vaults": map[string]any{
			"a": map[string]any{"vaultmode": "stack", "keySerial": "two"},
			"b": 7.0,
		},
	})
	require.Error(t, err)
	assert.Equal(t, []string{
		`unknown setting "vault": did you mean "vaults"?`,
		`context "vaults": vault "b": 7 is not an object of settings: give {} or settings such as {"vaultMode": "existing"}`,
		`context "vaults": vault "a": setting "keySerial": "two" is not a number: must be a whole number from 0 to 2147483647`,
		`context "vaults": vault "a": unknown setting "vaultmode": did you mean "vaultMode"?`,
	}, strings.Split(err.Error(), "\n"))
}

func TestMisplacedSettings(t *testing.T) {
	cases := []struct {
		name, raw, want string
	}{
		{"accepts settings inside context", `{"app":"go run .","context":{"vaults":["a"],"monthlyBudgetUsd":5}}`, ""},
		{"accepts the CLI's own keys", `{"app":"go run .","profile":"nas","watch":{},"output":"cdk.out"}`, ""},
		{"rejects vaults next to app", `{"app":"go run .","vaults":["a"],"buckets":"b"}`,
			`cdk.json: setting "buckets" is at the top level, where the CDK CLI does not pass it to the app: move it into "context"` + "\n" +
				`cdk.json: setting "vaults" is at the top level, where the CDK CLI does not pass it to the app: move it into "context"`},
		{"rejects a file that is not an object", `["vaults"]`, "cdk.json: not a JSON object: json: cannot unmarshal array into Go value of type map[string]json.RawMessage"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := config.MisplacedSettings("cdk.json", []byte(c.raw))
			if c.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, c.want)
		})
	}
}

// A Go caller's context map may hold Go integers, not JSON's float64.
func TestGoIntegersReadAsNumbers(t *testing.T) {
	c, err := config.FromContext(map[string]any{"vaults": "a", "keySerial": 3, "protectArchivesDays": int64(90)})
	require.NoError(t, err)
	assert.Equal(t, 3.0, c.Settings["a"].KeySerial)
	assert.Equal(t, 90.0, c.Settings["a"].ProtectArchivesDays)
}

// In app mode the watcher needs one of the vault's 50 tags for a message
// SNS refused: 47 of the owner's at most, named as the setting.
func TestAppModeVaultLeavesOneTagForTheWatcher(t *testing.T) {
	tags := map[string]any{}
	for i := range 48 {
		tags[fmt.Sprintf("t%02d", i)] = "v"
	}
	_, err := config.FromContext(map[string]any{"vaults": "Photos", "vaultTags": tags})
	assert.EqualError(t, err, `context "vaultTags": vault "Photos": 48 tags: at most 47 in app mode, where the watcher needs one of `+
		`Glacier's 50 tags per vault (qnap-glacier:unsent) to keep a message SNS refused until it is sent; use fewer tags, `+
		`or "vaultMode": "existing" once the vault exists`)
	_, err = config.FromContext(map[string]any{"vaults": "Photos", "vaultTags": tags, "vaultMode": "existing"})
	assert.NoError(t, err, "existing mode has no watcher")
}
