package config_test

import (
	"strings"
	"testing"

	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func lookup(ctx map[string]any) config.Lookup {
	return func(key string) any { return ctx[key] }
}

func TestDefaultsNeedNoConfiguration(t *testing.T) {
	c, err := config.FromContext(lookup(nil))
	require.NoError(t, err)
	assert.Equal(t, []string{"QNAP-Glacier-Vault"}, c.Vaults)
	assert.Empty(t, c.NotifyEmails)
	assert.Equal(t, 1.0, c.KeySerial)
	assert.Empty(t, c.UserName)
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
			got, err := config.FromContext(lookup(c.ctx))
			require.NoError(t, err)
			assert.Equal(t, c.vaults, got.Vaults)
			assert.Equal(t, c.emails, got.NotifyEmails)
			assert.Equal(t, c.serial, got.KeySerial)
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
		{"rejects a duplicate vault", map[string]any{"vaults": "a,b,a"},
			`context "vaults": "a" is listed twice`},
		{"rejects malformed JSON", map[string]any{"vaults": `["a",`},
			`context "vaults": malformed JSON array ["a",: unexpected end of JSON input; give a JSON array of strings or a comma-separated list`},
		{"rejects a non-string item", map[string]any{"vaults": []any{"a", 3.0}},
			`context "vaults": item 2 is 3, not a string`},
		{"rejects an object", map[string]any{"vaults": map[string]any{"a": 1.0}},
			`context "vaults": map[a:1] is neither a JSON array of strings nor a comma-separated string`},
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
			`context "userName": "nas" given with 2 vaults: a user name applies to one vault only`},
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
			`context "vaultMode": malformed JSON object {"a":`},
		{"rejects negative protection", map[string]any{"protectArchivesDays": "-3"},
			`context "protectArchivesDays": -3: must be a whole number of days from 0 (off) to 36500`},
		{"rejects non-numeric protection", map[string]any{"protectArchivesDays": "abc"},
			`context "protectArchivesDays": "abc" is not a number: must be a whole number of days from 0 (off) to 36500`},
		{"rejects bad protection for one vault", map[string]any{"vaults": "a,b", "protectArchivesDays": `{"b":-1}`},
			`context "protectArchivesDays": vault "b": -1: must be a whole number of days`},
		{"rejects malformed vault tags", map[string]any{"vaultTags": `{"owner":`},
			`context "vaultTags": malformed JSON {"owner":: unexpected end of JSON input; give a JSON object of tags`},
		{"rejects vault tags that are not an object", map[string]any{"vaultTags": []any{"owner"}},
			`context "vaultTags": [owner] is not a JSON object of tags`},
		{"rejects a reserved tag key", map[string]any{"vaultTags": `{"aws:owner":"me"}`},
			`context "vaultTags": key "aws:owner": must not start with "aws:", which AWS reserves`},
		{"rejects a tag value with a bad character", map[string]any{"vaultTags": `{"owner":"me!"}`},
			`context "vaultTags": value of "owner" has '!' at position 3: must be letters, digits, spaces and _ . : / = + - @`},
		{"rejects a tag value over 256 characters", map[string]any{"vaultTags": map[string]any{"note": strings.Repeat("n", 257)}},
			`context "vaultTags": value of "note": 257 characters, must be at most 256`},
		{"rejects a non-string tag value", map[string]any{"vaultTags": `{"n":1}`},
			`context "vaultTags": tag "n" has 1, not a string`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := config.FromContext(lookup(c.ctx))
			assert.Nil(t, got)
			if assert.Error(t, err) {
				assert.Contains(t, err.Error(), c.want)
				assert.NotContains(t, err.Error(), "\n", "one problem, one line")
			}
		})
	}
}

func TestVaultSettingsApplyToEveryVaultOrPerVault(t *testing.T) {
	c, err := config.FromContext(lookup(map[string]any{
		"vaults": "a,b", "vaultMode": "existing", "vaultTags": `{"owner":"me"}`, "protectArchivesDays": 90.0,
	}))
	require.NoError(t, err)
	for _, v := range []string{"a", "b"} {
		p := c.BackupUserProps(v)
		assert.Equal(t, qnapglacier.VaultModeExisting, p.VaultMode, v)
		assert.Equal(t, map[string]string{"owner": "me"}, p.VaultTags, v)
		assert.Equal(t, 90.0, *p.ProtectArchivesDays, v)
	}

	c, err = config.FromContext(lookup(map[string]any{
		"vaults": "a,b", "vaultMode": map[string]any{"b": "stack"}, "vaultTags": `{"b":{"owner":"me"}}`,
	}))
	require.NoError(t, err)
	a, b := c.BackupUserProps("a"), c.BackupUserProps("b")
	assert.Equal(t, qnapglacier.VaultMode(""), a.VaultMode, "unlisted vaults keep the default, app")
	assert.Nil(t, a.VaultTags)
	assert.Nil(t, a.ProtectArchivesDays)
	assert.Equal(t, qnapglacier.VaultModeStack, b.VaultMode)
	assert.Equal(t, map[string]string{"owner": "me"}, b.VaultTags)

	c, err = config.FromContext(lookup(map[string]any{"vaults": "a,b", "protectArchivesDays": `{"b":180}`}))
	require.NoError(t, err)
	assert.Nil(t, c.BackupUserProps("a").ProtectArchivesDays)
	assert.Equal(t, 180.0, *c.BackupUserProps("b").ProtectArchivesDays)
}

func TestReportsEveryProblemOnItsOwnLine(t *testing.T) {
	_, err := config.FromContext(lookup(map[string]any{"vaults": "a b,c", "notifyEmails": "x", "keySerial": "-2"}))
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 3)
	assert.True(t, strings.HasPrefix(lines[0], `context "vaults"`))
	assert.True(t, strings.HasPrefix(lines[1], `context "notifyEmails"`))
	assert.True(t, strings.HasPrefix(lines[2], `context "keySerial"`))
}

func TestBackupUserPropsCarryTheSettings(t *testing.T) {
	c, err := config.FromContext(lookup(map[string]any{"vaults": "v", "userName": "nas", "keySerial": "4", "notifyEmails": "x@example.com"}))
	require.NoError(t, err)
	p := c.BackupUserProps("v")
	assert.Equal(t, "v", *p.VaultName)
	assert.Equal(t, "nas", *p.UserName)
	assert.Equal(t, 4.0, *p.KeySerial)
	assert.Equal(t, []string{"x@example.com"}, p.NotifyEmails)
	assert.NoError(t, p.Validate())
}

func TestEnvComesFromTheCLIProfileOnlyWhenItFoundAnAccount(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	assert.Nil(t, config.Env(env(map[string]string{"CDK_DEFAULT_REGION": "us-east-1"})), "a region alone is the CLI's fallback")
	e := config.Env(env(map[string]string{"CDK_DEFAULT_ACCOUNT": "111122223333", "CDK_DEFAULT_REGION": "eu-west-1"}))
	if assert.NotNil(t, e) {
		assert.Equal(t, "111122223333", *e.Account)
		assert.Equal(t, "eu-west-1", *e.Region)
	}
}
