package qnapglacier_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
)

// restartOutEnv, when set, makes this package's test binary build the
// same app twice, with jsii.Close between (restartAndExit), instead of
// running the tests.
const restartOutEnv = "QNAPGLACIER_TEST_RESTART_OUT"

// restartAndExit builds and synthesizes an app with a vault stack and a
// bucket stack into out/1, stops the jsii kernel, as a caller's TestMain
// may between apps, and builds the same app into out/2 in the kernel the
// next call starts. It exits 0 once both are written; a panic exits 2.
func restartAndExit(out string) {
	for _, dir := range []string{"1", "2"} {
		app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(filepath.Join(out, dir)), AnalyticsReporting: jsii.Bool(false)})
		qnapglacier.NewVaultStack(app, jsii.String("Vault"), &qnapglacier.VaultStackProps{
			BackupUser: qnapglacier.BackupUserProps{VaultName: jsii.String("Photos"), ProtectArchivesDays: jsii.Number(90)},
		})
		qnapglacier.NewBucketStack(app, jsii.String("Bucket"), &qnapglacier.BucketStackProps{
			BackupBucket: qnapglacier.BackupBucketProps{Name: jsii.String("photos-backup")},
		})
		app.Synth(nil)
		jsii.Close()
	}
	os.Exit(0)
}

// TestAnAppBuiltAfterJsiiCloseIsTheSame: the package shares values that
// are not constructs between the stacks of an app (stackstate.go); they
// live in the jsii kernel, so they must not outlive it. jsii.Close stops
// the kernel and the next call starts another: an app built there gets
// the same templates as the first.
func TestAnAppBuiltAfterJsiiCloseIsTheSame(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs this test binary again, with a jsii kernel of its own; go test ./... runs it")
	}
	t.Parallel() // no CDK call in this process
	out := t.TempDir()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), restartOutEnv+"="+out)
	stdout, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", stdout)
	for _, name := range []string{"Vault.template.json", "Bucket.template.json"} {
		first, err := os.ReadFile(filepath.Join(out, "1", name))
		require.NoError(t, err)
		second, err := os.ReadFile(filepath.Join(out, "2", name))
		require.NoError(t, err)
		assert.Equal(t, string(first), string(second), name)
	}
}
