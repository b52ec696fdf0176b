package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
	"github.com/qnap-glacier/qnap-glacier/internal/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README is the landing page; docs/ holds one page per reader's task.
// These tests keep both honest: every link resolves, every page says whom
// it is for, the README stays short, and the README's two examples build
// what they promise.

// docPages returns README.md and every page in docs/.
func docPages(t *testing.T) []string {
	t.Helper()
	pages, err := filepath.Glob("docs/*.md")
	require.NoError(t, err)
	require.NotEmpty(t, pages)
	return append([]string{"README.md"}, pages...)
}

func TestReadmeIsALandingPageOfAtMost200Lines(t *testing.T) {
	text := doc(t, "README.md")
	assert.LessOrEqual(t, strings.Count(text, "\n"), 200)
	for _, want := range []string{
		"npm ci && npx cdk synth      # install the pinned CDK CLI, synthesize the app with its defaults\n",
		"go test ./...                # run the test suite\n",
	} {
		assert.Contains(t, text, want, "the two set-up commands, as .ci/run runs them")
	}
	for _, page := range docPages(t)[1:] {
		assert.Contains(t, text, "]("+filepath.ToSlash(page)+")", "the README links to %s", page)
	}
}

func TestCdkJSONShowsTheOwnersSettingsFirst(t *testing.T) {
	raw, err := os.ReadFile("cdk.json")
	require.NoError(t, err)
	assert.LessOrEqual(t, strings.Count(string(raw), "\n"), 40)
	var keys []string
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	_, err = dec.Token() // {
	require.NoError(t, err)
	for dec.More() {
		k, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, k.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	require.GreaterOrEqual(t, len(keys), 2)
	assert.Equal(t, []string{"app", "context"}, keys[:2], "cdk.json's first keys")
}

func TestEveryDocsPageSaysWhomItIsFor(t *testing.T) {
	for _, page := range docPages(t)[1:] {
		lines := strings.SplitN(doc(t, page), "\n", 4)
		require.Len(t, lines, 4, page)
		assert.Regexp(t, `^# \S`, lines[0], "%s starts with its title", page)
		assert.Regexp(t, `^\*For [^*]+\*$`, lines[2], "%s says whom it is for right under its title", page)
	}
}

// slug is the anchor GitHub gives a heading.
func slug(heading string) string {
	s := strings.ToLower(strings.TrimSpace(heading))
	s = regexp.MustCompile(`[^\p{L}\p{N}\- _]`).ReplaceAllString(s, "")
	return strings.ReplaceAll(s, " ", "-")
}

// anchors returns the anchors of a page's headings, outside code blocks.
func anchors(text string) map[string]bool {
	out := map[string]bool{}
	inCode := false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
			continue
		}
		if m := regexp.MustCompile(`^#{1,6} (.+)$`).FindStringSubmatch(line); m != nil && !inCode {
			out[slug(m[1])] = true
		}
	}
	return out
}

func TestEveryLinkBetweenPagesResolves(t *testing.T) {
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	checked := 0
	for _, page := range docPages(t) {
		text := doc(t, page)
		for _, m := range link.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, anchor, _ := strings.Cut(target, "#")
			path := page
			if file != "" {
				path = filepath.Join(filepath.Dir(page), file)
			}
			info, err := os.Stat(path)
			if !assert.NoError(t, err, "%s links to %s", page, target) {
				continue
			}
			checked++
			if anchor == "" || info.IsDir() {
				continue
			}
			assert.True(t, anchors(doc(t, path))[anchor], "%s links to %s: %s has no heading with anchor #%s", page, target, path, anchor)
		}
	}
	assert.Greater(t, checked, 25, "links checked")
}

var readmeEditRe = regexp.MustCompile("(?m)^<!-- readme cdk.json: ([a-z]+) -->\n```json\n((?s:.*?))```\n")

// TestReadmeExamplesBuildWhatTheyPromise applies each of the README's two
// cdk.json edits to the shipped cdk.json, builds the app from it, and
// checks the one stack each promises.
func TestReadmeExamplesBuildWhatTheyPromise(t *testing.T) {
	edits := map[string]string{}
	var names []string
	for _, m := range readmeEditRe.FindAllStringSubmatch(doc(t, "README.md"), -1) {
		names = append(names, m[1])
		edits[m[1]] = m[2]
	}
	require.Equal(t, []string{"bucket", "vault"}, names, "the README's examples, bucket first")

	t.Run("bucket", func(t *testing.T) {
		all := walkthroughTemplates(t, editedCdkJSONContext(t, edits["bucket"]))
		require.Equal(t, []string{"QnapGlacier-family-photos"}, slices.Sorted(maps.Keys(all)), "one bucket stack, no vault stack")
		cdktest.Assert(t, "GLACIER_IR and 90 days of governance retention", func() {
			all["QnapGlacier-family-photos"].HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
				"ObjectLockConfiguration": map[string]any{"Rule": map[string]any{"DefaultRetention": map[string]any{"Mode": "GOVERNANCE", "Days": 90}}},
				"LifecycleConfiguration": map[string]any{"Rules": []any{map[string]any{
					"Transitions": []any{map[string]any{"StorageClass": "GLACIER_IR", "TransitionInDays": 0}},
				}}},
			})
		})
	})
	t.Run("vault", func(t *testing.T) {
		all := walkthroughTemplates(t, editedCdkJSONContext(t, edits["vault"]))
		require.Equal(t, []string{"QnapGlacier-Family-Photos"}, slices.Sorted(maps.Keys(all)), "one vault stack")
		tpl := all["QnapGlacier-Family-Photos"]
		cdktest.Assert(t, "app mode: the NAS creates the vault", func() {
			tpl.HasOutput(jsii.String("VaultMode"), map[string]any{"Value": "app"})
		})
		env := watcherEnv(t, tpl)
		assert.Contains(t, cdktest.Flatten(t, env["POLICY"]), `"glacier:ArchiveAgeInDays":"90"`, "the watcher protects archives younger than 90 days")
	})
}

// TestConfigurationReferenceErrorsAreTheAppsOwn feeds every row of the
// configuration reference's table to the app's settings reader: the
// example is accepted, and the bad value gives exactly the error shown.
func TestConfigurationReferenceErrorsAreTheAppsOwn(t *testing.T) {
	section := docSection(t, "docs/configuration.md", "## Each setting: type, example and the error a bad value gives", false)
	rows := regexp.MustCompile("(?m)^\\| `([A-Za-z]+)` \\| [^|]+ \\| `([^`]+)` \\| `([^`]+)` \\| `([^`]+)` \\|$").FindAllStringSubmatch(section, -1)
	var listed []string
	for _, r := range rows {
		setting, example, bad, want := r[1], r[2], r[3], r[4]
		listed = append(listed, setting)
		t.Run(setting, func(t *testing.T) {
			parse := func(line string) map[string]any {
				var ctx map[string]any
				require.NoError(t, json.Unmarshal([]byte("{"+line+"}"), &ctx), "a line of \"context\": %s", line)
				return ctx
			}
			_, err := config.FromContext(parse(example))
			assert.NoError(t, err, "the example %s", example)
			_, err = config.FromContext(parse(bad))
			if assert.Error(t, err, "the bad value %s", bad) {
				assert.Equal(t, want, err.Error())
			}
		})
	}
	assert.ElementsMatch(t, config.Keys, listed, "every setting has its row")
}
