package cdktest_test

import (
	"fmt"
	"testing"

	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
	"github.com/stretchr/testify/assert"
)

// recorder is a testing.TB that records errors instead of failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestAssertTurnsAPanickingMatchIntoATestError(t *testing.T) {
	r := &recorder{TB: t}
	ok := cdktest.Assert(r, "user", func() { panic("Template has 1 resources with type AWS::IAM::User, but none match") })
	assert.False(t, ok)
	assert.Equal(t, []string{"user: Template has 1 resources with type AWS::IAM::User, but none match"}, r.errors)
	assert.True(t, cdktest.Assert(r, "passes", func() {}), "a passing assertion reports true")
	assert.Len(t, r.errors, 1, "a passing assertion records nothing")
}
