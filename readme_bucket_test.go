package main

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var bucketWalkthroughEditRe = regexp.MustCompile("(?m)^<!-- bucket walkthrough cdk.json: deploy -->\n```json\n((?s:.*?))```\n")

// TestReadmeBucketWalkthroughBuildsWhatItPromises applies the README's
// bucket walkthrough edit to cdk.json as written and checks its promises:
// one bucket stack and no vault stack, the storage class, the protection
// and the e-mail digest.
func TestReadmeBucketWalkthroughBuildsWhatItPromises(t *testing.T) {
	m := bucketWalkthroughEditRe.FindStringSubmatch(readme(t))
	require.NotNil(t, m, "README has the bucket walkthrough's cdk.json edit")
	ctx := editedCdkJSONContext(t, m[1])
	all := fixtures.App(t, "readme-bucket", func() awscdk.App {
		app, err := newApp(&awscdk.AppProps{
			Context:                         &ctx,
			BuiltinCloudFormationValidation: jsii.Bool(false),
			Outdir:                          jsii.String(t.TempDir()),
		}, noEnv)
		require.NoError(t, err)
		return app
	})
	require.Len(t, all, 1, "npx cdk ls prints one stack")
	tpl, ok := all["QnapGlacier-family-photos"]
	require.True(t, ok)
	cdktest.Assert(t, "storage class and protection", func() {
		tpl.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
			"ObjectLockConfiguration": map[string]any{"ObjectLockEnabled": "Enabled",
				"Rule": map[string]any{"DefaultRetention": map[string]any{"Mode": "GOVERNANCE", "Days": 90}}},
			"LifecycleConfiguration": map[string]any{"Rules": []any{map[string]any{
				"Id": "ArchiveAndExpire", "Status": "Enabled",
				"Transitions":                    []any{map[string]any{"StorageClass": "GLACIER_IR", "TransitionInDays": 0}},
				"NoncurrentVersionExpiration":    map[string]any{"NoncurrentDays": 90},
				"AbortIncompleteMultipartUpload": map[string]any{"DaysAfterInitiation": 7},
				"ExpiredObjectDeleteMarker":      true,
			}}, "TransitionDefaultMinimumObjectSize": "all_storage_classes_128K"},
		})
	})
	cdktest.Assert(t, "e-mail subscription", func() {
		tpl.HasResourceProperties(jsii.String("AWS::SNS::Subscription"), map[string]any{"Protocol": "email", "Endpoint": "me@example.com"})
	})
	for _, out := range []string{"BucketName", "BucketRegion", "BucketEndpoint", "StorageClass", "UserName", "AccessKeyId", "SecretArn", "GetSecretCommand", "TopicArn", "DigestTopicArn"} {
		assert.Contains(t, readme(t), "`"+out+"`", "the README names output %s", out)
		cdktest.Assert(t, "output "+out, func() { tpl.HasOutput(jsii.String(out), map[string]any{}) })
	}
}

// TestReadmeListsEveryActionOfTheBucketUser checks the README's table of
// the bucket user's actions against the one list in the code, with where
// each applies.
func TestReadmeListsEveryActionOfTheBucketUser(t *testing.T) {
	text := readme(t)
	start := strings.Index(text, "\n### What the bucket's user may do\n")
	require.GreaterOrEqual(t, start, 0)
	end := strings.Index(text[start+1:], "\n## ")
	require.Greater(t, end, 0)
	rows := regexp.MustCompile("(?m)^\\| `(s3:[A-Za-z]+)` \\| ([^|]+) \\|").FindAllStringSubmatch(text[start:start+1+end], -1)
	where := map[string]string{"`*`": "*", "the bucket": "bucket", "its objects": "objects"}
	listed := map[string][]string{}
	for _, r := range rows {
		w, ok := where[strings.TrimSpace(r[2])]
		require.True(t, ok, "row %s: unknown place %q", r[1], r[2])
		listed[w] = append(listed[w], r[1])
	}
	for w, actions := range qnapglacier.BucketUserActions() {
		var want []string
		for a := range actions {
			want = append(want, a)
		}
		slices.Sort(want)
		slices.Sort(listed[w])
		assert.Equal(t, want, listed[w], "the README's actions on %s", w)
	}
}
