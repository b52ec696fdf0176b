package s3sim_test

import (
	"os"
	"testing"

	"github.com/qnap-glacier/qnap-glacier/internal/s3sim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFromTemplateReadsTheBucketAndItsUsersPolicies(t *testing.T) {
	tpl, err := os.ReadFile("../../constructs/qnapglacier/testdata/golden/bucket-protected.template.json")
	require.NoError(t, err)
	tt, err := s3sim.FromTemplate(tpl, "111122223333", "eu-west-1")
	require.NoError(t, err)
	assert.Equal(t, "my-holiday-backups", tt.Bucket)
	assert.Regexp(t, `^arn:aws:iam::111122223333:user/automation/`, tt.UserArn)
	assert.True(t, tt.Versioning)
	assert.True(t, tt.ObjectLock)
	assert.False(t, tt.ACLsEnabled)
	require.NotNil(t, tt.DefaultRetention)
	assert.Equal(t, s3sim.Retention{Mode: "GOVERNANCE", Days: 365}, *tt.DefaultRetention)
	require.Len(t, tt.UserPolicies, 1)
	assert.Contains(t, string(tt.UserPolicies[0]), `"arn:aws:s3:::my-holiday-backups/*"`)
	assert.Contains(t, string(tt.BucketPolicy), `"arn:aws:s3:::my-holiday-backups/*"`)
	assert.Contains(t, string(tt.BucketPolicy), tt.UserArn)
	assert.NotContains(t, string(tt.BucketPolicy), "Fn::")

	_, err = s3sim.FromTemplate([]byte(`{"Resources":{}}`), "111122223333", "eu-west-1")
	assert.ErrorContains(t, err, "0 buckets and 0 users")
}
