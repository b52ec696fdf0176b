package config_test

import (
	"strings"
	"testing"

	"github.com/qnap-glacier/qnap-glacier/internal/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBucketsAloneBuildNoVault(t *testing.T) {
	for name, buckets := range map[string]any{
		"from -c":        "family-photos",
		"JSON array":     []any{"family-photos"},
		"bucket objects": map[string]any{"family-photos": map[string]any{}},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := config.FromContext(map[string]any{"buckets": buckets})
			require.NoError(t, err)
			assert.Empty(t, c.Vaults)
			assert.Equal(t, []string{"family-photos"}, c.Buckets)
		})
	}
}

func TestVaultsAndBucketsTogether(t *testing.T) {
	c, err := config.FromContext(map[string]any{"vaults": "Family-Photos", "buckets": "holiday,work-files"})
	require.NoError(t, err)
	assert.Equal(t, []string{"Family-Photos"}, c.Vaults)
	assert.Equal(t, []string{"holiday", "work-files"}, c.Buckets)
}

func TestABucketTakesAGlobalBucketNameAndUserNameWhenAlone(t *testing.T) {
	c, err := config.FromContext(map[string]any{"buckets": "family-photos", "bucketName": "my-photos", "userName": "nas"})
	require.NoError(t, err)
	p := c.BucketSettings["family-photos"]
	assert.Equal(t, "my-photos", p.BucketName)
	assert.Equal(t, "nas", p.UserName)
}

func TestRejectsBadBucketSettings(t *testing.T) {
	cases := []struct {
		name string
		ctx  map[string]any
		want []string
	}{
		{"rejects capitals in a bucket", map[string]any{"buckets": "Family-Photos"},
			[]string{`context "buckets": "Family-Photos" has 'F' at position 1: must be 3 to 63 characters from a-z 0-9 -, starting and ending with a letter or digit (no capitals or '_')`}},
		{"rejects an underscore, a short name and a long name", map[string]any{"buckets": "a_b,ab," + strings.Repeat("b", 64)},
			[]string{
				`context "buckets": "a_b" has '_' at position 2: must be 3 to 63 characters from a-z 0-9 -, starting and ending with a letter or digit (no capitals or '_')`,
				`context "buckets": "ab" is 2 characters: must be 3 to 63 characters from a-z 0-9 -, starting and ending with a letter or digit`,
				`context "buckets": "bbbbbbbbbbbbbbbbbbbb...bbbbbbbbbb" is 64 characters: must be 3 to 63 characters from a-z 0-9 -, starting and ending with a letter or digit`,
			}},
		{"rejects an IP address, xn-- and -s3alias as bucket names", map[string]any{"buckets": map[string]any{
			"a-b": map[string]any{"bucketName": "10.0.0.1"}, "c-d": map[string]any{"bucketName": "xn--photos"}, "e-f": map[string]any{"bucketName": "photos-s3alias"},
		}}, []string{
			`context "buckets": bucket "a-b": setting "bucketName": "10.0.0.1" is in the form of an IP address, which S3 refuses: must be 3 to 63 characters from a-z 0-9 -, starting and ending with a letter or digit`,
			`context "buckets": bucket "c-d": setting "bucketName": "xn--photos" starts with "xn--", which S3 reserves: must be 3 to 63 characters from a-z 0-9 -, starting and ending with a letter or digit`,
			`context "buckets": bucket "e-f": setting "bucketName": "photos-s3alias" ends with "-s3alias", which S3 reserves: must be 3 to 63 characters from a-z 0-9 -, starting and ending with a letter or digit`,
		}},
		{"rejects a refused bucket name and every error in its object", map[string]any{"buckets": map[string]any{
			"ab": map[string]any{"bucketName": 5.0, "storageClass": "STANDARD", "archiveAfterDays": -1.0},
		}}, []string{
			`context "buckets": "ab" is 2 characters: must be 3 to 63 characters from a-z 0-9 -, starting and ending with a letter or digit`,
			`context "buckets": bucket "ab": setting "archiveAfterDays": -1: must be a whole number of days from 0 to 36500`,
			`context "buckets": bucket "ab": setting "bucketName": 5 is not a string: give the S3 bucket name as text`,
			`context "buckets": bucket "ab": setting "storageClass": "STANDARD" is not an archive storage class: must be one of GLACIER_IR, GLACIER, DEEP_ARCHIVE`,
		}},
		{"rejects the same from a -c string", map[string]any{"buckets": `{"ab":{"bucketName":5,"storageClass":"STANDARD","archiveAfterDays":-1}}`}, []string{
			`context "buckets": "ab" is 2 characters: must be 3 to 63 characters from a-z 0-9 -, starting and ending with a letter or digit`,
			`context "buckets": bucket "ab": setting "archiveAfterDays": -1: must be a whole number of days from 0 to 36500`,
			`context "buckets": bucket "ab": setting "bucketName": 5 is not a string: give the S3 bucket name as text`,
			`context "buckets": bucket "ab": setting "storageClass": "STANDARD" is not an archive storage class: must be one of GLACIER_IR, GLACIER, DEEP_ARCHIVE`,
		}},
		{"rejects a refused name's bad setting beside a valid bucket", map[string]any{"buckets": map[string]any{
			"Photos": map[string]any{"keepDeletedDays": 0.0}, "music": map[string]any{},
		}}, []string{
			`context "buckets": "Photos" has 'P' at position 1: must be 3 to 63 characters from a-z 0-9 -, starting and ending with a letter or digit (no capitals or '_')`,
			`context "buckets": bucket "Photos": setting "keepDeletedDays": 0: must be a whole number of days from 1 to 36500`,
		}},
		{"rejects a bucket given as null", map[string]any{"buckets": map[string]any{"photos": nil}},
			[]string{`context "buckets": bucket "photos": null is not an object of settings: give {} or settings such as {"storageClass": "DEEP_ARCHIVE"}`}},
		{"rejects STANDARD, not an archive class", map[string]any{"buckets": "photos", "storageClass": "STANDARD"},
			[]string{`context "storageClass": "STANDARD" is not an archive storage class: must be one of GLACIER_IR, GLACIER, DEEP_ARCHIVE`}},
		{"rejects negative and fractional days", map[string]any{"buckets": "photos", "archiveAfterDays": "-1", "keepDeletedDays": 1.5},
			[]string{
				`context "archiveAfterDays": -1: must be a whole number of days from 0 to 36500`,
				`context "keepDeletedDays": 1.5: must be a whole number of days from 1 to 36500`,
			}},
		{"rejects days that are not numbers", map[string]any{"buckets": map[string]any{"photos": map[string]any{"archiveAfterDays": "soon"}}},
			[]string{`context "buckets": bucket "photos": setting "archiveAfterDays": "soon" is not a number: must be a whole number of days from 0 to 36500`}},
		{"rejects keeping deleted versions shorter than they are protected", map[string]any{"buckets": map[string]any{"photos": map[string]any{"keepDeletedDays": 30.0}}, "protectArchivesDays": "90"},
			[]string{`context "buckets": bucket "photos": "keepDeletedDays" 30 is shorter than "protectArchivesDays" 90: a deleted version stays locked for "protectArchivesDays", so keep deleted versions at least that long`}},
		{"rejects a bucket name for several buckets at once", map[string]any{"buckets": "photos,holiday", "bucketName": "my-backups"},
			[]string{`context "bucketName": "my-backups" given with 2 buckets: a bucket name applies to one bucket only; drop it to get "<bucket>-<account>-<region>" per bucket, or give a bucket its own in "buckets"`}},
		{"rejects the same bucket name for two buckets", map[string]any{"buckets": map[string]any{"photos": map[string]any{"bucketName": "my-backups"}, "holiday": map[string]any{"bucketName": "my-backups"}}},
			[]string{`context "buckets": buckets "holiday" and "photos" both have "bucketName" "my-backups": S3 bucket names are unique`}},
		{"rejects a user name for a vault and a bucket", map[string]any{"vaults": "Photos", "buckets": "holiday", "userName": "nas"},
			[]string{`context "userName": "nas" given with 1 vault and 1 bucket: a user name applies to one vault or bucket only; drop it to get "<name>-user" for each, or give each its own in "vaults" or "buckets"`}},
		{"rejects a vault and a bucket of one name", map[string]any{"vaults": "photos", "buckets": "photos"},
			[]string{
				`context "buckets": vault "photos" and bucket "photos" both get stack "QnapGlacier-photos": rename one`,
				`context "buckets": vault "photos" and bucket "photos" both get IAM user "photos-user" (IAM ignores letter case): give one of them another "userName"`,
			}},
		{"rejects users that differ only in case", map[string]any{"vaults": "Photos", "buckets": "photos"},
			[]string{`context "buckets": vault "Photos" and bucket "photos" both get IAM user "photos-user" (IAM ignores letter case): give one of them another "userName"`}},
		{"rejects a duplicate bucket and an empty list", map[string]any{"buckets": "photos,photos"},
			[]string{`context "buckets": "photos" is listed twice: each bucket gets one stack, list it once`}},
		{"rejects an empty bucket list", map[string]any{"buckets": ""},
			[]string{`context "buckets": no bucket names: give at least one in cdk.json's "context", e.g. "buckets": {"family-photos": {}}`}},
		{"rejects unknown and vault-only settings in a bucket's object", map[string]any{"buckets": map[string]any{"photos": map[string]any{"storageclass": "GLACIER", "vaultMode": "existing"}, "x-y": "GLACIER"}},
			[]string{
				`context "buckets": bucket "x-y": "GLACIER" is not an object of settings: give {} or settings such as {"storageClass": "DEEP_ARCHIVE"}`,
				`context "buckets": bucket "photos": unknown setting "storageclass": did you mean "storageClass"?`,
				`context "buckets": bucket "photos": setting "vaultMode" is for vaults only: a bucket takes bucketName, storageClass, archiveAfterDays, keepDeletedDays, protectArchivesDays, notifyEmails, keySerial, userName`,
			}},
		{"rejects the app's budget inside a bucket's object", map[string]any{"buckets": map[string]any{"photos": map[string]any{"monthlyBudgetUsd": 10.0}}, "notifyEmails": "me@example.com"},
			[]string{`context "buckets": bucket "photos": setting "monthlyBudgetUsd" is for the whole app: give it at the top level of "context", not in a bucket's object`}},
		{"rejects a bucket setting in a vault's object", map[string]any{"vaults": map[string]any{"Photos": map[string]any{"storageClass": "GLACIER"}}},
			[]string{`context "vaults": vault "Photos": setting "storageClass" is for buckets only: a vault takes vaultMode, vaultTags, protectArchivesDays, notifyEmails, keySerial, userName`}},
		{"rejects a vault setting with no vault", map[string]any{"buckets": "photos", "vaultMode": "existing"},
			[]string{`context "vaultMode": given, but "vaults" is not set, so there is no vault: it applies to vaults only`}},
		{"rejects a bucket setting with no bucket", map[string]any{"vaults": "Photos", "storageClass": "GLACIER", "keepDeletedDays": "90"},
			[]string{
				`context "storageClass": given, but "buckets" is not set, so there is no bucket: it applies to buckets only`,
				`context "keepDeletedDays": given, but "buckets" is not set, so there is no bucket: it applies to buckets only`,
			}},
		{"rejects the per-vault form for a bucket", map[string]any{"buckets": "photos", "protectArchivesDays": `{"photos": 90}`},
			[]string{`context "protectArchivesDays": "photos" is a bucket: give a bucket's settings in its object in "buckets", such as {"photos": {"protectArchivesDays": ...}}`}},
		{"rejects an unknown setting naming the closest", map[string]any{"bucket": "photos"},
			[]string{`unknown setting "bucket": did you mean "buckets"?`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := config.FromContext(c.ctx)
			require.Error(t, err)
			assert.Equal(t, c.want, strings.Split(err.Error(), "\n"))
		})
	}
}
