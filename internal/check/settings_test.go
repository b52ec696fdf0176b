package check_test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/qnap-glacier/qnap-glacier/internal/check"
	"github.com/qnap-glacier/qnap-glacier/internal/config"
	"github.com/qnap-glacier/qnap-glacier/internal/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTargetsReadSettingsAsTheAppDoes holds the check's reader of the
// app's settings to the app's own (internal/config), for every form a
// setting takes: cdk.json values and "-c key=value" strings, global,
// per-setting objects keyed by name, and each vault's or bucket's object.
func TestTargetsReadSettingsAsTheAppDoes(t *testing.T) {
	for name, raw := range map[string]string{
		"nothing":                 `{}`,
		"vault list":              `{"vaults": ["Photos", "Videos_2024.x"], "notifyEmails": ["a@example.com"], "protectArchivesDays": 30}`,
		"comma-separated strings": `{"vaults": "Photos, Videos", "notifyEmails": "a@example.com,b@example.com", "protectArchivesDays": "14", "vaultMode": "existing"}`,
		"per-setting objects":     `{"vaults": "Photos,Videos", "vaultMode": {"Photos": "stack"}, "protectArchivesDays": {"Videos": 7}, "vaultTags": {"Photos": {"owner": "me"}}}`,
		"global tags":             `{"vaults": ["Photos"], "vaultTags": {"owner": "me", "room": "attic"}}`,
		"vault objects":           `{"vaults": {"Photos": {"vaultMode": "existing", "vaultTags": {"a": "b"}, "protectArchivesDays": 60, "notifyEmails": ["p@example.com"]}, "Videos": {}}, "notifyEmails": ["all@example.com"]}`,
		"buckets only":            `{"buckets": ["family-photos", "holiday"], "notifyEmails": ["a@example.com"], "protectArchivesDays": 90}`,
		"bucket objects":          `{"buckets": {"holiday": {"bucketName": "my-holiday-backups", "protectArchivesDays": 365, "notifyEmails": ["h@example.com"]}, "family": {}}, "vaults": ["Photos"]}`,
		"JSON in -c strings":      `{"vaults": "[\"Photos\"]", "buckets": "{\"holiday\": {\"protectArchivesDays\": 3}}", "vaultTags": "{\"owner\": \"me\"}"}`,
	} {
		t.Run(name, func(t *testing.T) {
			var ctx map[string]any
			require.NoError(t, json.Unmarshal([]byte(raw), &ctx))
			cfg, err := config.FromContext(ctx)
			require.NoError(t, err, "the fixture must be settings the app accepts")
			got, err := check.Targets(ctx)
			require.NoError(t, err)

			var want []check.Target
			for _, v := range cfg.Vaults {
				s := cfg.Settings[v]
				mode := string(s.Mode)
				if mode == "" {
					mode = "app"
				}
				tags := map[string]string{rules.ProjectTag: rules.ProjectName, rules.VaultTag: v}
				maps.Copy(tags, s.Tags)
				want = append(want, check.Target{Kind: "vault", Name: v, Stack: rules.StackName(v), Mode: mode,
					Tags: tags, ProtectDays: s.ProtectArchivesDays, Emails: s.NotifyEmails})
			}
			for _, b := range cfg.Buckets {
				s := cfg.BucketSettings[b]
				want = append(want, check.Target{Kind: "bucket", Name: b, Stack: rules.StackName(b),
					ProtectDays: s.ProtectArchivesDays, Emails: s.NotifyEmails})
			}
			assert.Equal(t, want, got)
		})
	}
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
