package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/qnap-glacier/qnap-glacier/internal/awsfake"
	"github.com/qnap-glacier/qnap-glacier/internal/check"
	"github.com/qnap-glacier/qnap-glacier/internal/checktest"
	"github.com/qnap-glacier/qnap-glacier/internal/s3sim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	account = checktest.Account
	region  = checktest.Region
)

// golden reads a template the construct synthesized, as its golden test
// keeps it (constructs/qnapglacier/testdata/golden): what the stacks
// really output, synthesized once by that test.
func golden(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "constructs", "qnapglacier", "testdata", "golden", name+".template.json"))
	require.NoError(t, err)
	return raw
}

// world is a deployed app on local fakes.
type world struct{ *checktest.World }

// newWorld deploys template (a golden one) as the stack of the app's only
// vault or bucket described by context; see checktest.New.
func newWorld(t *testing.T, template string, context map[string]any, deploy bool, edit func(*s3sim.Options)) *world {
	t.Helper()
	return &world{checktest.New(t, golden(t, template), context, deploy, edit)}
}

// run runs the command as "go run ./cmd/check" would, in the world's
// project directory.
func (w *world) run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	w.Env(t)
	var out, errOut bytes.Buffer
	code = run(append([]string{"--dir", w.Dir}, args...), &out, &errOut)
	stdout, stderr = out.String(), errOut.String()
	if w.Deployed != nil {
		// No secret is ever printed.
		assert.NotContains(t, stdout+stderr, w.Deployed.SecretAccessKey)
		assert.NotContains(t, stdout+stderr, awsfake.AdminSecret)
	}
	return stdout, stderr, code
}

// lines splits output into lines, each check's.
func lines(s string) []string {
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}

// statuses counts the lines by status word.
func statuses(out string) map[string][]string {
	by := map[string][]string{}
	for _, l := range lines(out) {
		f := strings.Fields(l)
		if len(f) > 0 {
			by[f[0]] = append(by[f[0]], l)
		}
	}
	return by
}

var (
	stackModeContext = map[string]any{"vaults": map[string]any{"QNAP-Glacier-Vault": map[string]any{
		"vaultMode": "stack", "vaultTags": map[string]any{"owner": "me", "cost-center": "home"}, "protectArchivesDays": 90}}}
	appModeContext         = map[string]any{}
	defaultBucketContext   = map[string]any{"buckets": map[string]any{"family-photos": map[string]any{}}, "notifyEmails": []any{"owner@example.com"}}
	protectedBucketContext = map[string]any{"buckets": map[string]any{"holiday": map[string]any{
		"bucketName": "my-holiday-backups", "storageClass": "DEEP_ARCHIVE", "archiveAfterDays": 30, "protectArchivesDays": 365}}}
)

// healthyVault is a stack-mode vault stack as deployed, holding archives.
func healthyVault(t *testing.T) *world {
	w := newWorld(t, "stack-mode", stackModeContext, true, nil)
	w.Fake.Vault(region, "QNAP-Glacier-Vault").Archives = 12
	return w
}

func TestHealthyVaultStackGivesOnlyOK(t *testing.T) {
	w := healthyVault(t)
	out, errOut, code := w.run(t)
	t.Log("\n" + out)
	assert.Equal(t, 0, code, errOut)
	assert.Empty(t, errOut)
	by := statuses(out)
	assert.Equal(t, []string{"ok"}, keys(by), out)
	for _, check := range []string{"stack", "key", "glacier", "vault", "notifications", "tags", "protection", "vault delete", "e-mail"} {
		assert.Contains(t, out, ": "+check+": ")
	}
}

func TestHealthyAppModeVaultWaitsForTheNAS(t *testing.T) {
	w := newWorld(t, "app-mode", appModeContext, true, nil)
	out, errOut, code := w.run(t)
	t.Log("\n" + out)
	assert.Equal(t, 0, code, errOut)
	by := statuses(out)
	assert.Len(t, by["waiting"], 1, out)
	assert.Contains(t, strings.Join(by["waiting"], ""), "does not exist yet")
	assert.Empty(t, by["FAIL"])
	assert.Contains(t, out, "vault delete: DeleteVault by the NAS's key is refused")
}

func TestHealthyProtectedBucketStackGivesOnlyOK(t *testing.T) {
	w := newWorld(t, "bucket-protected", protectedBucketContext, true, nil)
	out, errOut, code := w.run(t)
	t.Log("\n" + out)
	for _, e := range w.S3.Log() {
		t.Log(e)
	}
	assert.Equal(t, 0, code, errOut)
	assert.Equal(t, []string{"ok"}, keys(statuses(out)), out)
	assert.Contains(t, out, "object lock: enabled, default retention GOVERNANCE 365 days.")
}

func TestHealthyDefaultBucketStackGivesOnlyOK(t *testing.T) {
	w := newWorld(t, "bucket-default", defaultBucketContext, true, nil)
	w.Fake.ConfirmAll()
	out, errOut, code := w.run(t)
	t.Log("\n" + out)
	for _, e := range w.S3.Log() {
		t.Log(e)
	}
	assert.Equal(t, 0, code, errOut)
	assert.Equal(t, []string{"ok"}, keys(statuses(out)), out)
}

func keys(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestNoCredentialsGivesOneLineAndExit2(t *testing.T) {
	w := newWorld(t, "stack-mode", stackModeContext, true, nil)
	w.ExtraEnv = map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
	out, errOut, code := w.run(t)
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	assert.Equal(t, []string{"check: " + check.NoCredentials}, lines(errOut))
	assert.Empty(t, w.Fake.Log(), "nothing is asked of AWS without credentials")
}

func TestNoRegionGivesOneLineAndExit2(t *testing.T) {
	w := newWorld(t, "stack-mode", stackModeContext, true, nil)
	w.ExtraEnv = map[string]string{"AWS_REGION": ""}
	out, errOut, code := w.run(t)
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	require.Len(t, lines(errOut), 1, errOut)
	assert.Contains(t, errOut, "no AWS region: set AWS_REGION")
}

func TestRejectsARegionThatIsNoRegionName(t *testing.T) {
	w := newWorld(t, "stack-mode", stackModeContext, true, nil)
	out, errOut, code := w.run(t, "--region", "eu-west1")
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	assert.Equal(t, []string{`check: AWS region "eu-west1" is not a region name such as eu-west-1: set AWS_REGION to the region you deployed the stacks to`}, lines(errOut))
}

func TestRefusedCredentialsGiveOneLine(t *testing.T) {
	w := newWorld(t, "stack-mode", stackModeContext, true, nil)
	w.ExtraEnv = map[string]string{"AWS_ACCESS_KEY_ID": "AKIAUNKNOWNEXAMPLE00"}
	out, errOut, code := w.run(t)
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	require.Len(t, lines(errOut), 1, errOut)
	assert.Contains(t, errOut, "AWS refused your credentials (InvalidClientTokenId")
}

func TestJSONReportsTheSameResults(t *testing.T) {
	w := newWorld(t, "bucket-default", defaultBucketContext, true, nil)
	text, _, textCode := w.run(t)
	out, errOut, code := w.run(t, "--json")
	assert.Equal(t, 1, code, errOut)
	assert.Equal(t, textCode, code)
	var rep check.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.False(t, rep.OK)
	assert.Equal(t, account, rep.Account)
	assert.Equal(t, region, rep.Region)
	var fromJSON []string
	for _, r := range rep.Results {
		fromJSON = append(fromJSON, r.Line())
	}
	// The same checks, in the same order, with the same outcomes (the
	// test object's key differs between runs).
	strip := regexp.MustCompile(`qnap-glacier-check/[0-9]+`)
	assert.Equal(t, strip.ReplaceAllString(text, "KEY"), strip.ReplaceAllString(strings.Join(fromJSON, "\n")+"\n", "KEY"))
	last := rep.Results[len(rep.Results)-1]
	assert.Equal(t, check.Fail, last.Status)
	assert.Equal(t, "e-mail", last.Check)
	assert.Contains(t, last.Fix, "confirm the mail sent to owner@example.com")
}

func TestJSONReportsAFatalErrorToo(t *testing.T) {
	w := newWorld(t, "stack-mode", stackModeContext, true, nil)
	w.ExtraEnv = map[string]string{"AWS_REGION": ""}
	out, _, code := w.run(t, "--json")
	assert.Equal(t, 2, code)
	var rep check.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.Contains(t, rep.Error, "no AWS region")
	assert.False(t, rep.OK)
}

func TestStackFlagChecksOneStack(t *testing.T) {
	w := healthyVault(t)
	out, errOut, code := w.run(t, "--stack", "QnapGlacier-Other")
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	assert.Equal(t, []string{`check: --stack "QnapGlacier-Other" is not one of the app's stacks (QnapGlacier-QNAP-Glacier-Vault)`}, lines(errOut))
	out, _, code = w.run(t, "--stack", "QnapGlacier-QNAP-Glacier-Vault")
	assert.Equal(t, 0, code, out)
}

// TestNoSecretIsPrinted reads the fake secret's value and its secret
// access key, and looks for either in everything the command prints,
// in both formats, healthy and failing.
func TestNoSecretIsPrinted(t *testing.T) {
	w := newWorld(t, "bucket-protected", protectedBucketContext, true, nil)
	w.Fake.Mu.Lock()
	var secretValue string
	for _, v := range w.Fake.Secrets {
		secretValue = v
	}
	w.Fake.Mu.Unlock()
	require.Contains(t, secretValue, w.Deployed.SecretAccessKey)
	for _, args := range [][]string{nil, {"--json"}} {
		out, errOut, code := w.run(t, args...)
		assert.Equal(t, 0, code, out+errOut)
		assert.Contains(t, out, w.Deployed.AccessKeyID, "the access key ID (not secret) is shown")
		for _, secret := range []string{secretValue, w.Deployed.SecretAccessKey, w.Deployed.SecretAccessKey[5:25], awsfake.AdminSecret} {
			assert.NotContains(t, out, secret)
			assert.NotContains(t, errOut, secret)
		}
	}
}

// TestNoRequestLeavesTheFakes checks that every request of a whole run
// went to the fakes: each service the check uses answered there.
func TestNoRequestLeavesTheFakes(t *testing.T) {
	w := healthyVault(t)
	_, _, code := w.run(t)
	assert.Equal(t, 0, code)
	var services []string
	for _, l := range w.Fake.Log() {
		services = append(services, strings.Fields(l)[0])
	}
	for _, s := range []string{"sts", "cloudformation", "secretsmanager", "glacier"} {
		assert.Contains(t, services, s)
	}
}

// TestDocsCommandsRun runs every command of docs/check.md as written
// against a healthy bucket stack (family-photos), with a profile "admin"
// for the one that names it.
func TestDocsCommandsRun(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "check.md"))
	require.NoError(t, err)
	doc := string(raw)
	first, _, _ := strings.Cut(doc, "\n\n")
	assert.Contains(t, doc[len(first):len(first)+200], "For the NAS owner", "the page says first who it is for")

	w := newWorld(t, "bucket-default", defaultBucketContext, true, nil)
	w.Fake.ConfirmAll()
	cfg := filepath.Join(w.Dir, "aws-config")
	require.NoError(t, os.WriteFile(cfg, []byte("[profile admin]\naws_access_key_id = "+awsfake.Admin+"\naws_secret_access_key = "+awsfake.AdminSecret+"\n"), 0o600))

	var commands []string
	for _, block := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(doc, -1) {
		for _, line := range lines(block[1]) {
			cmd, _, _ := strings.Cut(line, "#")
			commands = append(commands, strings.TrimSpace(cmd))
		}
	}
	require.Len(t, commands, 4)
	for _, cmd := range commands {
		t.Run(cmd, func(t *testing.T) {
			f := strings.Fields(cmd)
			require.Equal(t, []string{"go", "run", "./cmd/check"}, f[:3])
			w.ExtraEnv = nil
			if slices.Contains(f, "--profile") {
				w.ExtraEnv = map[string]string{"AWS_CONFIG_FILE": cfg, "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_REGION": ""}
			}
			out, errOut, code := w.run(t, f[3:]...)
			assert.Equal(t, 0, code, "%s\n%s%s", cmd, out, errOut)
			if slices.Contains(f, "--json") {
				var rep check.Report
				require.NoError(t, json.Unmarshal([]byte(out), &rep))
				assert.True(t, rep.OK)
			}
		})
	}
}
