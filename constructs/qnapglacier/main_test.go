package qnapglacier_test

import (
	"os"
	"testing"

	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
)

// fixtures holds every template this package's tests read; each is
// synthesized once.
var fixtures cdktest.Fixtures

func TestMain(m *testing.M) {
	// The examples build apps as a reader would, with awscdk.NewApp(nil);
	// the built-in CloudFormation validator would add seconds to each of
	// them (the app's tests keep one test with it on).
	os.Setenv("CDK_VALIDATION", "false")
	if out := os.Getenv(restartOutEnv); out != "" {
		restartAndExit(out)
	}
	cdktest.Main(m, &fixtures, "qnapglacier")
}
