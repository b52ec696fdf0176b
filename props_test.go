package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/app"
	"github.com/qnap-glacier/qnap-glacier/internal/config"
)

// The props the app builds from what internal/config read: every setting
// reaches its construct prop, and the construct accepts what the settings
// reader accepted.

func TestBackupUserPropsCarryTheSettings(t *testing.T) {
	c, err := config.FromContext(map[string]any{"vaults": "v", "userName": "nas", "keySerial": "4", "notifyEmails": "x@example.com"})
	require.NoError(t, err)
	p := app.BackupUserProps(c, "v")
	assert.Equal(t, "v", *p.VaultName)
	assert.Equal(t, "nas", *p.UserName)
	assert.Equal(t, 4.0, *p.KeySerial)
	assert.Equal(t, []string{"x@example.com"}, p.NotifyEmails)
	assert.NoError(t, p.Validate())
}

func TestEnvComesFromTheCLIProfileOnlyWhenItFoundAnAccount(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	assert.Nil(t, app.Env(env(map[string]string{"CDK_DEFAULT_REGION": "us-east-1"})), "a region alone is the CLI's fallback")
	e := app.Env(env(map[string]string{"CDK_DEFAULT_ACCOUNT": "111122223333", "CDK_DEFAULT_REGION": "eu-west-1"}))
	if assert.NotNil(t, e) {
		assert.Equal(t, "111122223333", *e.Account)
		assert.Equal(t, "eu-west-1", *e.Region)
	}
}

func TestBucketSettingsApplyGloballyAndPerBucket(t *testing.T) {
	c, err := config.FromContext(map[string]any{
		"buckets": map[string]any{
			"family-photos": map[string]any{"storageClass": "DEEP_ARCHIVE", "archiveAfterDays": 30.0, "keepDeletedDays": 365.0,
				"protectArchivesDays": 180.0, "bucketName": "my-photos", "userName": "photos-nas", "keySerial": 3.0,
				"notifyEmails": []any{"me@example.com"}},
			"holiday": map[string]any{},
		},
		"storageClass":        "GLACIER",
		"keepDeletedDays":     "120",
		"protectArchivesDays": "90",
		"notifyEmails":        "all@example.com",
		"keySerial":           "2",
	})
	require.NoError(t, err)
	p := app.BackupBucketProps(c, "family-photos")
	assert.Equal(t, "family-photos", *p.Name)
	assert.Equal(t, qnapglacier.StorageClassDeepArchive, p.StorageClass)
	assert.Equal(t, 30.0, *p.ArchiveAfterDays)
	assert.Equal(t, 365.0, *p.KeepDeletedDays)
	assert.Equal(t, 180.0, *p.ProtectArchivesDays)
	assert.Equal(t, "my-photos", *p.BucketName)
	assert.Equal(t, "photos-nas", *p.UserName)
	assert.Equal(t, 3.0, *p.KeySerial)
	assert.Equal(t, []string{"me@example.com"}, p.NotifyEmails)

	h := app.BackupBucketProps(c, "holiday")
	assert.Equal(t, qnapglacier.StorageClassGlacier, h.StorageClass)
	assert.Nil(t, h.ArchiveAfterDays, "the construct's default")
	assert.Equal(t, 120.0, *h.KeepDeletedDays)
	assert.Equal(t, 90.0, *h.ProtectArchivesDays)
	assert.Nil(t, h.BucketName, "derived")
	assert.Nil(t, h.UserName)
	assert.Equal(t, "holiday-user", c.BucketUserName("holiday"))
	assert.Equal(t, 2.0, *h.KeySerial)
	assert.Equal(t, []string{"all@example.com"}, h.NotifyEmails)
	assert.NoError(t, h.Validate())
	assert.NoError(t, p.Validate())
}
