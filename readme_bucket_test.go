package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
	"github.com/qnap-glacier/qnap-glacier/internal/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var bucketWalkthroughEditRe = regexp.MustCompile("(?m)^<!-- bucket walkthrough cdk.json: deploy -->\n```json\n((?s:.*?))```\n")

// TestReadmeBucketWalkthroughBuildsWhatItPromises applies the README's
// bucket walkthrough edit to cdk.json as written and checks its promises:
// one bucket stack and no vault stack, the storage class, the protection
// and the e-mail digest.
func TestReadmeBucketWalkthroughBuildsWhatItPromises(t *testing.T) {
	m := bucketWalkthroughEditRe.FindStringSubmatch(doc(t, "docs/bucket.md"))
	require.NotNil(t, m, "README has the bucket walkthrough's cdk.json edit")
	ctx := editedCdkJSONContext(t, m[1])
	all := walkthroughTemplates(t, ctx)
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
		assert.Contains(t, doc(t, "docs/bucket.md"), "`"+out+"`", "the bucket walkthrough names output %s", out)
		cdktest.Assert(t, "output "+out, func() { tpl.HasOutput(jsii.String(out), map[string]any{}) })
	}
}

// TestReadmeListsEveryActionOfTheBucketUser checks the README's table of
// the bucket user's actions against the one list in the code, with where
// each applies.
func TestReadmeListsEveryActionOfTheBucketUser(t *testing.T) {
	text := doc(t, "docs/protection.md")
	start := strings.Index(text, "\n## What the bucket's user may do\n")
	require.GreaterOrEqual(t, start, 0)
	end := strings.Index(text[start+1:], "\n## ")
	if end < 0 {
		end = len(text) - start - 1
	}
	rows := regexp.MustCompile("(?m)^\\| `(s3:[A-Za-z]+)` \\| ([^|]+) \\|").FindAllStringSubmatch(text[start:start+1+end], -1)
	where := map[string]string{"`*`": "*", "the bucket": "bucket", "its objects": "objects", "not granted": "none"}
	listed := map[string][]string{}
	for _, r := range rows {
		w, ok := where[strings.TrimSpace(r[2])]
		require.True(t, ok, "row %s: unknown place %q", r[1], r[2])
		listed[w] = append(listed[w], r[1])
	}
	for w, actions := range rules.BucketUserActions() {
		var want []string
		for a := range actions {
			want = append(want, a)
		}
		slices.Sort(want)
		slices.Sort(listed[w])
		assert.Equal(t, want, listed[w], "the README's actions on %s", w)
	}
	var notGranted []string
	for a := range rules.BucketNotGrantedActions {
		notGranted = append(notGranted, a)
	}
	slices.Sort(notGranted)
	slices.Sort(listed["none"])
	assert.Equal(t, notGranted, listed["none"], "the README's actions that are not granted")
}

// docSection returns the section of a documentation page under heading (a
// full heading line such as "## How names are derived"), up to the next
// heading of its level or a higher one, with its whitespace collapsed when
// flat is true.
func docSection(t *testing.T, path, heading string, flat bool) string {
	t.Helper()
	text := doc(t, path)
	start := strings.Index(text, "\n"+heading+"\n")
	require.GreaterOrEqual(t, start, 0, "%s has %q", path, heading)
	body := text[start+len(heading)+2:]
	// The section ends at the next heading of its level or a higher one.
	level := len(heading) - len(strings.TrimLeft(heading, "#"))
	if end := regexp.MustCompile(fmt.Sprintf("(?m)^#{1,%d} ", level)).FindStringIndex(body); end != nil {
		body = body[:end[0]]
	}
	if flat {
		return strings.Join(strings.Fields(body), " ")
	}
	return body
}

func TestReadmeNamesTableIsOneTableWithTheBucketRows(t *testing.T) {
	// A blank line ends a Markdown table: rows after it render as text.
	tables := regexp.MustCompile(`(?m)(^\|.*\|\n)+`).FindAllString(docSection(t, "docs/configuration.md", "## How names are derived", false), -1)
	require.Len(t, tables, 1, "one table")
	assert.Contains(t, tables[0], "| bucket |")
	assert.Contains(t, tables[0], "| bucket user and policy |")
}

func TestReadmeGivesEachRegionItsOwnBucketTarget(t *testing.T) {
	names := docSection(t, "docs/configuration.md", "## How names are derived", true)
	assert.NotContains(t, names, "let the same bucket name be deployed to several regions",
		"the user and policy names are account-wide: a second region fails at deploy")
	assert.Contains(t, names, "Use one target name per account, and give each region a target of its own")
}

func TestReadmeSaysWhatATornDownBucketLeavesAndHowToDeployAgain(t *testing.T) {
	walk := docSection(t, "docs/bucket.md", "## Walkthrough: a bucket for HBS 3 or Hyper Backup", true)
	for _, want := range []string{"keeps the bucket, its bucket policy and every backup in it", "Deploying the same bucket target again after a destroy fails", "new `bucketName`", "`npx cdk import`"} {
		assert.Contains(t, walk, want)
	}
}

func TestReadmeBucketProtectionSaysWhatTheUserAndHBS3MayLock(t *testing.T) {
	protect := docSection(t, "docs/protection.md", "## Protecting backups in a bucket", true)
	for _, want := range []string{
		"**compliance-mode** retention", "**longer than `protectArchivesDays`**",
		"HBS 3's own Object Lock option can still set or lengthen a governance-mode retention of up to `protectArchivesDays` days",
		"can add delete markers and new versions at worst",
		"`Content-MD5`", "`InvalidRequest`",
	} {
		assert.Contains(t, protect, want)
	}
}
