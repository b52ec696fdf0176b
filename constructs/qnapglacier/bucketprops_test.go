package qnapglacier_test

import (
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBackupBucketPropsValidate(t *testing.T) {
	cases := []struct {
		name  string
		props *qnapglacier.BackupBucketProps
		want  []string // every line of the error, in order; nil for none
	}{
		{"accepts a name alone", &qnapglacier.BackupBucketProps{Name: jsii.String("family-photos")}, nil},
		{"accepts every field", &qnapglacier.BackupBucketProps{
			Name: jsii.String("family-photos"), BucketName: jsii.String("my-photos-2026"), UserName: jsii.String("nas"),
			UserPath: jsii.String("/nas/"), KeySerial: jsii.Number(2), NotifyEmails: []string{"me@example.com"},
			StorageClass: qnapglacier.StorageClassDeepArchive, ArchiveAfterDays: jsii.Number(30),
			KeepDeletedDays: jsii.Number(365), ProtectArchivesDays: jsii.Number(365),
		}, nil},
		{"rejects nil props", nil, []string{"props: required, with at least Name"}},
		{"rejects a missing name", &qnapglacier.BackupBucketProps{}, []string{"Name: required"}},
		{"rejects keeping deleted versions shorter than they are protected", &qnapglacier.BackupBucketProps{
			Name: jsii.String("photos"), KeepDeletedDays: jsii.Number(30), ProtectArchivesDays: jsii.Number(90),
		}, []string{"KeepDeletedDays: 30 is shorter than ProtectArchivesDays 90: a deleted version stays locked for ProtectArchivesDays, so keep deleted versions at least that long"}},
		{"collects every problem", &qnapglacier.BackupBucketProps{
			Name: jsii.String("Photos"), BucketName: jsii.String("xn--photos"), UserName: jsii.String("nas user"),
			KeySerial: jsii.Number(-1), NotifyEmails: []string{"me"}, StorageClass: "STANDARD",
			ArchiveAfterDays: jsii.Number(-2), KeepDeletedDays: jsii.Number(0.5), ProtectArchivesDays: jsii.Number(1.5),
		}, []string{
			`Name: "Photos" has 'P' at position 1: must be 3 to 63 characters from a-z 0-9 -, starting and ending with a letter or digit (no capitals or '_')`,
			`BucketName: "xn--photos" starts with "xn--", which S3 reserves: must be 3 to 63 characters from a-z 0-9 -, starting and ending with a letter or digit`,
			`UserName: "nas user" has ' ' at position 4: must be 1 to 64 characters from a-z A-Z 0-9 + = , . @ _ -`,
			`KeySerial: -1: must be a whole number from 0 to 2147483647`,
			`NotifyEmails: "me" is not an e-mail address: must look like name@example.com`,
			`StorageClass: "STANDARD" is not an archive storage class: must be one of GLACIER_IR, GLACIER, DEEP_ARCHIVE`,
			`ArchiveAfterDays: -2: must be a whole number of days from 0 to 36500`,
			`KeepDeletedDays: 0.5: must be a whole number of days from 1 to 36500`,
			`ProtectArchivesDays: 1.5: must be a whole number of days from 0 (off) to 36500`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.props.Validate()
			if c.want == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, c.want, strings.Split(err.Error(), "\n"))
		})
	}
}

func TestStorageClassMinimumDays(t *testing.T) {
	assert.Equal(t, 90.0, qnapglacier.StorageClassGlacierIR.MinimumDays())
	assert.Equal(t, 90.0, qnapglacier.StorageClassGlacier.MinimumDays())
	assert.Equal(t, 180.0, qnapglacier.StorageClassDeepArchive.MinimumDays())
}

func TestBucketUserActionsHaveReasonsAndNeverDestroy(t *testing.T) {
	denied := rules.BucketDeniedActions
	for where, actions := range rules.BucketUserActions() {
		for action, reason := range actions {
			assert.NotEmpty(t, reason, "%s on %s has no reason", action, where)
			assert.NotContains(t, action, "*", "%s on %s: no wildcard actions", action, where)
			assert.NotContains(t, denied, action, "%s is both allowed and denied", action)
		}
	}
}
