package qnapglacier_test

import (
	"testing"

	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
)

// fixtures holds every template this package's tests read; each is
// synthesized once.
var fixtures cdktest.Fixtures

func TestMain(m *testing.M) { cdktest.Main(m, &fixtures, "qnapglacier") }
