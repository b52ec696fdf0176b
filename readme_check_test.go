package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qnap-glacier/qnap-glacier/internal/awsfake"
	"github.com/qnap-glacier/qnap-glacier/internal/checktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README's walkthroughs check each deploy with the command after a
// marker comment. These tests deploy the walkthrough's own templates (the
// app built from cdk.json as the README edits it) onto local fakes, and
// run that command as written: built with "go build", as "go run" does,
// and run in a project folder holding the edited cdk.json.

// readmeCheckCommand returns the command after marker, checking that it
// is the one these tests run.
func readmeCheckCommand(t *testing.T, page, marker string) {
	t.Helper()
	m := regexp.MustCompile("(?m)^<!-- " + regexp.QuoteMeta(marker) + " -->\n```sh\n([^#\n]*)").FindStringSubmatch(doc(t, page))
	require.NotNil(t, m, "%s has the command after <!-- %s -->", page, marker)
	require.Equal(t, "go run ./cmd/check", strings.TrimSpace(m[1]))
}

// checkBinary is ./cmd/check, built once for the package's tests into a
// directory that the fixtures remove when the tests end.
var checkBinary struct {
	once sync.Once
	path string
	err  error
}

func buildCheck(t *testing.T) string {
	t.Helper()
	checkBinary.once.Do(func() {
		checkBinary.path = filepath.Join(fixtures.TempDir(t), "check")
		if out, err := exec.Command("go", "build", "-o", checkBinary.path, "./cmd/check").CombinedOutput(); err != nil {
			checkBinary.err = fmt.Errorf("go build ./cmd/check: %v\n%s", err, out)
		}
	})
	require.NoError(t, checkBinary.err)
	return checkBinary.path
}

// runCheck runs ./cmd/check (built once) in w's project folder with w's
// environment.
func runCheck(t *testing.T, w *checktest.World) (stdout string, code int) {
	t.Helper()
	bin := buildCheck(t)
	w.Env(t)
	cmd := exec.Command(bin)
	cmd.Dir = w.Dir
	var stdoutBuf, stderrBuf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdoutBuf, &stderrBuf
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	assert.Empty(t, stderrBuf.String())
	assert.NotContains(t, stdoutBuf.String(), w.Deployed.SecretAccessKey)
	return stdoutBuf.String(), code
}

func templateJSON(t *testing.T, tpl interface{ ToJSON() *map[string]any }) []byte {
	raw, err := json.Marshal(*tpl.ToJSON())
	require.NoError(t, err)
	return raw
}

func TestReadmeWalkthroughCheckStep(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds and runs cmd/check; go test ./... runs it")
	}
	readmeCheckCommand(t, "docs/vault.md", "walkthrough check")
	_, edits := walkthroughEdits(t)
	ctx := editedCdkJSONContext(t, edits["deploy"])
	tpl := walkthroughTemplates(t, ctx)[walkthroughStack]
	w := checktest.New(t, templateJSON(t, tpl), ctx, true, nil)

	// Before the e-mail is confirmed: its FAIL line, with its fix.
	out, code := runCheck(t, w)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "FAIL    "+walkthroughStack+": e-mail: subscription not confirmed: me@example.com. Fix: confirm the mail sent to me@example.com")

	// Confirmed: ok, and the vault waits for the NAS (step 3).
	w.Fake.ConfirmAll()
	out, code = runCheck(t, w)
	assert.Equal(t, 0, code, out)
	assert.NotContains(t, out, "FAIL")
	assert.Contains(t, out, "waiting "+walkthroughStack+": vault: Family-Photos does not exist yet")
	assert.Contains(t, out, "ok      "+walkthroughStack+": vault delete: DeleteVault by the NAS's key is refused")

	// The NAS has just created the vault: the watcher has an hour to
	// configure it.
	w.Fake.Mu.Lock()
	w.Fake.Vaults[checktest.Region] = map[string]*awsfake.Vault{"Family-Photos": {Name: "Family-Photos", Created: time.Now().Add(-10 * time.Minute), Tags: map[string]string{}}}
	w.Fake.Mu.Unlock()
	out, code = runCheck(t, w)
	assert.Equal(t, 0, code, out)
	for _, check := range []string{"notifications", "tags", "protection"} {
		assert.Contains(t, out, "waiting "+walkthroughStack+": "+check+": ")
	}
}

func TestReadmeBucketWalkthroughCheckStep(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds and runs cmd/check; go test ./... runs it")
	}
	readmeCheckCommand(t, "docs/bucket.md", "bucket walkthrough check")
	m := bucketWalkthroughEditRe.FindStringSubmatch(doc(t, "docs/bucket.md"))
	require.NotNil(t, m)
	ctx := editedCdkJSONContext(t, m[1])
	tpl := walkthroughTemplates(t, ctx)["QnapGlacier-family-photos"]
	w := checktest.New(t, templateJSON(t, tpl), ctx, true, nil)
	w.Fake.ConfirmAll()
	out, code := runCheck(t, w)
	assert.Equal(t, 0, code, out)
	assert.NotContains(t, out, "FAIL")
	assert.NotContains(t, out, "waiting")
	assert.Contains(t, out, "ok      QnapGlacier-family-photos: object lock: enabled, default retention GOVERNANCE 90 days.")
	assert.Contains(t, out, "ok      QnapGlacier-family-photos: delete: deleted the object: S3 left a delete marker")
}
