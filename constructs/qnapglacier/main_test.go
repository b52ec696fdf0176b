package qnapglacier_test

import (
	"os"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
)

// fixtures holds every template this package's tests read; each is
// synthesized once.
var fixtures cdktest.Fixtures

func TestMain(m *testing.M) {
	if os.Getenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION") == "" {
		// Node 20 works but is past its end of life; the README tells users
		// to run 22 or 24. Keep the test log readable on 20.
		os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
	}
	code := m.Run()
	fixtures.Report("qnapglacier")
	jsii.Close()
	os.Exit(code)
}
