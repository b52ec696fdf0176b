package main

import (
	"encoding/json"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
	"github.com/qnap-glacier/qnap-glacier/internal/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README's walkthrough edits cdk.json at two steps; each edit is a
// fenced json block after a marker comment. These tests apply each edit to
// the shipped cdk.json exactly as the README tells the owner to, build the
// app from the result, and check what the README promises, so README and
// behaviour cannot drift apart.

var walkthroughEditRe = regexp.MustCompile("(?m)^<!-- walkthrough cdk.json: ([a-z-]+) -->\n```json\n((?s:.*?))```\n")

// contextLine is the line of cdk.json that each walkthrough edit replaces.
const contextLine = "  \"context\": {},\n"

type walkthroughStep struct {
	name       string
	mode       string
	protectDay string
	serial     float64
}

// walkthroughSteps are the README's edits, in order, and what each
// promises for the vault Family-Photos.
var walkthroughSteps = []walkthroughStep{
	{name: "deploy", mode: "app", protectDay: "90", serial: 1},
	{name: "rotate", mode: "app", protectDay: "90", serial: 2},
}

const walkthroughStack = "QnapGlacier-Family-Photos"

// doc returns a page of the documentation: README.md or a page in docs/.
func doc(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(raw)
}

// walkthroughEdits returns the README's cdk.json edits by step name, in
// the README's order.
func walkthroughEdits(t *testing.T) (names []string, edits map[string]string) {
	edits = map[string]string{}
	for _, m := range walkthroughEditRe.FindAllStringSubmatch(doc(t, "docs/vault.md"), -1) {
		names = append(names, m[1])
		edits[m[1]] = m[2]
	}
	return names, edits
}

// editedCdkJSONContext is cdk.json's context after the owner made the
// README's edit: its "context" line replaced by the README's lines.
func editedCdkJSONContext(t *testing.T, edit string) map[string]any {
	raw, err := os.ReadFile("cdk.json")
	require.NoError(t, err)
	require.Equal(t, 1, strings.Count(string(raw), contextLine), "cdk.json has the line the README tells the owner to replace")
	require.True(t, strings.HasPrefix(edit, "  \"context\": {\n") && strings.HasSuffix(edit, "\n  },\n"),
		"the README's edit is a whole \"context\" object, in place of the line it replaces:\n%s", edit)
	var doc struct {
		Context map[string]any `json:"context"`
	}
	edited := strings.Replace(string(raw), contextLine, edit, 1)
	require.NoError(t, json.Unmarshal([]byte(edited), &doc), "cdk.json after the README's edit is not valid JSON")
	return doc.Context
}

// walkthroughTemplates builds the app from cdk.json's context after an
// edit the docs show, and returns its templates by stack name. The fixture
// is named by the context itself, so pages that show the same edit (the
// README's bucket example is the bucket walkthrough's) share one synth.
func walkthroughTemplates(t *testing.T, ctx map[string]any) map[string]assertions.Template {
	key, err := json.Marshal(ctx)
	require.NoError(t, err)
	return fixtures.App(t, "cdk.json context "+string(key), func() awscdk.App {
		app, err := newApp(&awscdk.AppProps{
			Context:                         &ctx,
			BuiltinCloudFormationValidation: jsii.Bool(false),
			Outdir:                          jsii.String(t.TempDir()),
		}, noEnv)
		require.NoError(t, err)
		return app
	})
}

func TestReadmeWalkthroughEditsAreTheOnesTested(t *testing.T) {
	names, _ := walkthroughEdits(t)
	want := []string{}
	for _, s := range walkthroughSteps {
		want = append(want, s.name)
	}
	assert.Equal(t, want, names)
}

func TestReadmeWalkthroughBuildsWhatItPromises(t *testing.T) {
	_, edits := walkthroughEdits(t)
	for _, step := range walkthroughSteps {
		t.Run(step.name, func(t *testing.T) {
			edit, ok := edits[step.name]
			require.True(t, ok, "README has no walkthrough edit %q", step.name)
			ctx := editedCdkJSONContext(t, edit)
			all := walkthroughTemplates(t, ctx)
			require.Equal(t, []string{walkthroughStack}, slices.Sorted(maps.Keys(all)), "the walkthrough's one stack")
			tpl := all[walkthroughStack]
			cdktest.Assert(t, "vault mode", func() {
				tpl.HasOutput(jsii.String("VaultMode"), map[string]any{"Value": step.mode})
			})
			cdktest.Assert(t, "e-mail subscription", func() {
				tpl.HasResourceProperties(jsii.String("AWS::SNS::Subscription"), map[string]any{"Protocol": "email", "Endpoint": "me@example.com"})
			})
			cdktest.Assert(t, "key serial", func() {
				tpl.HasResourceProperties(jsii.String("AWS::IAM::AccessKey"), map[string]any{"Serial": step.serial})
			})
			// No second deploy: nothing configures the vault at deploy time;
			// the watcher wires the vault the NAS creates.
			assert.Empty(t, cdktest.Resources(tpl, "Custom::GlacierVault"), "the NAS creates the vault")
			assert.Empty(t, cdktest.Resources(tpl, "Custom::GlacierVaultNotifications"), "no deploy-time configuration")
			env := watcherEnv(t, tpl)
			assert.Contains(t, env["TAGS"], `"owner":"me"`, "the watcher tags the vault")
			assert.Contains(t, cdktest.Flatten(t, env["POLICY"]), `"glacier:ArchiveAgeInDays":"`+step.protectDay+`"`,
				"the watcher protects archives younger than %s days", step.protectDay)
		})
	}
}

// TestReadmeJourneyKeepsSettingsInCdkJSON checks the journey's commands:
// no "-c" flag (a flag lasts one command, so the next deploy would undo
// it), and every stack and vault they name is the walkthrough's.
func TestReadmeJourneyKeepsSettingsInCdkJSON(t *testing.T) {
	journey := docSection(t, "docs/vault.md", "## Your journey", false)

	commands := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(journey, -1)
	require.NotEmpty(t, commands)
	for _, block := range commands {
		assert.NotRegexp(t, `(^|\s)(-c|--context)[ =]`, block[1], "a journey command sets context with a flag")
	}
	stacks := regexp.MustCompile(`QnapGlacier-[A-Za-z0-9-]+`).FindAllString(journey, -1)
	require.NotEmpty(t, stacks)
	for _, s := range stacks {
		assert.Equal(t, walkthroughStack, s, "the journey names a stack the walkthrough's cdk.json does not build")
	}
	for _, m := range regexp.MustCompile(`--vault-name (\S+)`).FindAllStringSubmatch(journey, -1) {
		assert.Equal(t, "Family-Photos", m[1])
	}
}

func TestReadmeConfigurationTableListsEverySetting(t *testing.T) {
	var listed []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Za-z]+)` \\|").FindAllStringSubmatch(docSection(t, "docs/configuration.md", "## Configuration", false), -1) {
		listed = append(listed, m[1])
	}
	assert.ElementsMatch(t, config.Keys, listed, "the settings in the README's Configuration table")
}

// watcherEnv returns the environment of app mode's watcher: the stack's
// one function with an environment (the other is the check that Glacier
// serves the account).
func watcherEnv(t *testing.T, tpl assertions.Template) map[string]any {
	t.Helper()
	var env map[string]any
	for _, fn := range cdktest.Resources(tpl, "AWS::Lambda::Function") {
		if e, ok := cdktest.Props(fn)["Environment"].(map[string]any); ok {
			require.Nil(t, env, "one watcher")
			env = e["Variables"].(map[string]any)
		}
	}
	require.NotNil(t, env, "a watcher")
	return env
}
