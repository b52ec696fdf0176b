package check_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/qnap-glacier/qnap-glacier/internal/check"
	"github.com/qnap-glacier/qnap-glacier/internal/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTargetsAreWhatTheAppDeploys reads settings in the forms a user gives
// them (cdk.json values, "-c key=value" strings, per-setting objects, each
// target's own object) and expects the stacks, modes, tags, protection and
// addresses the app's stacks get. The check reads them with the app's own
// reader (internal/config), so the two cannot drift apart.
func TestTargetsAreWhatTheAppDeploys(t *testing.T) {
	base := func(v string) map[string]string {
		return map[string]string{rules.ProjectTag: rules.ProjectName, rules.VaultTag: v}
	}
	with := func(m map[string]string, k, v string) map[string]string { m[k] = v; return m }
	for name, c := range map[string]struct {
		raw  string
		want []check.Target
	}{
		"nothing: the default vault": {`{}`, []check.Target{
			{Kind: "vault", Name: "QNAP-Glacier-Vault", Stack: "QnapGlacier-QNAP-Glacier-Vault", Mode: "app", Tags: base("QNAP-Glacier-Vault")}}},
		"comma-separated strings from -c": {`{"vaults": "Photos, Videos", "notifyEmails": "a@example.com,b@example.com", "protectArchivesDays": "14", "vaultMode": "existing"}`,
			[]check.Target{
				{Kind: "vault", Name: "Photos", Stack: "QnapGlacier-Photos", Mode: "existing", Tags: base("Photos"), ProtectDays: 14, Emails: []string{"a@example.com", "b@example.com"}},
				{Kind: "vault", Name: "Videos", Stack: "QnapGlacier-Videos", Mode: "existing", Tags: base("Videos"), ProtectDays: 14, Emails: []string{"a@example.com", "b@example.com"}}}},
		"per-setting objects": {`{"vaults": "Photos,Videos", "vaultMode": {"Photos": "stack"}, "protectArchivesDays": {"Videos": 7}, "vaultTags": {"Photos": {"owner": "me"}}}`,
			[]check.Target{
				{Kind: "vault", Name: "Photos", Stack: "QnapGlacier-Photos", Mode: "stack", Tags: with(base("Photos"), "owner", "me")},
				{Kind: "vault", Name: "Videos", Stack: "QnapGlacier-Videos", Mode: "app", Tags: base("Videos"), ProtectDays: 7}}},
		"vault objects over global settings": {`{"vaults": {"Photos": {"vaultMode": "existing", "vaultTags": {"a": "b"}, "protectArchivesDays": 60, "notifyEmails": ["p@example.com"]}}, "notifyEmails": ["all@example.com"]}`,
			[]check.Target{{Kind: "vault", Name: "Photos", Stack: "QnapGlacier-Photos", Mode: "existing", Tags: with(base("Photos"), "a", "b"), ProtectDays: 60, Emails: []string{"p@example.com"}}}},
		"buckets after vaults": {`{"buckets": {"holiday": {"bucketName": "my-holiday-backups", "protectArchivesDays": 365, "notifyEmails": ["h@example.com"]}}, "vaults": ["Photos"], "notifyEmails": ["a@example.com"]}`,
			[]check.Target{
				{Kind: "vault", Name: "Photos", Stack: "QnapGlacier-Photos", Mode: "app", Tags: base("Photos"), Emails: []string{"a@example.com"}},
				{Kind: "bucket", Name: "holiday", Stack: "QnapGlacier-holiday", ProtectDays: 365, Emails: []string{"h@example.com"}}}},
	} {
		t.Run(name, func(t *testing.T) {
			var ctx map[string]any
			require.NoError(t, json.Unmarshal([]byte(c.raw), &ctx))
			got, err := check.Targets(ctx)
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

// TestTargetsRefuseWhatTheAppRefuses: settings the app would not have
// deployed get the app's own message.
func TestTargetsRefuseWhatTheAppRefuses(t *testing.T) {
	_, err := check.Targets(map[string]any{"vaults": "my vault"})
	assert.ErrorContains(t, err, `context "vaults": "my vault" has ' ' at position 3`)
	_, err = check.Targets(map[string]any{"vault": "Photos"})
	assert.ErrorContains(t, err, `unknown setting "vault"`)
}

func TestLoadContextMergesAsTheCLI(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cdk.json"), []byte(`{"app": "go run .", "context": {"vaults": ["A"], "protectArchivesDays": 5}}`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cdk.context.json"), []byte(`{"protectArchivesDays": 6}`), 0o644))
	ctx, err := check.LoadContext(dir, []string{"vaults=B,C"})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"vaults": "B,C", "protectArchivesDays": 6.0}, ctx)

	_, err = check.LoadContext(dir, []string{"novalue"})
	assert.ErrorContains(t, err, "give key=value")

	_, err = check.LoadContext(t.TempDir(), nil)
	assert.ErrorContains(t, err, "no cdk.json in ")
	assert.ErrorContains(t, err, "run the check in the qnap-glacier project's folder")
}
