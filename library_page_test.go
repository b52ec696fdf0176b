package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLibraryPageMainIsTheBucketExample holds the construct lines of
// docs/library.md's main.go (from the app to its output) equal to those of
// ExampleNewBackupBucket, which go test runs and checks the output of: the
// page shows code that compiles (TestLibraryPageComposesAModule builds it)
// and does what the example says.
func TestLibraryPageMainIsTheBucketExample(t *testing.T) {
	page := doc(t, "docs/library.md")
	m := regexp.MustCompile("(?s)<!-- library: main.go -->\n```go\n(.*?)```").FindStringSubmatch(page)
	require.NotNil(t, m, "docs/library.md has the main.go block")
	example, err := os.ReadFile("constructs/qnapglacier/example_test.go")
	require.NoError(t, err)
	fn := regexp.MustCompile(`(?s)\nfunc ExampleNewBackupBucket\(\) \{\n(.*?)\n}\n`).FindStringSubmatch(string(example))
	require.NotNil(t, fn, "example_test.go has ExampleNewBackupBucket")

	lines := func(s string) []string {
		start := strings.Index(s, "\tapp := awscdk.NewApp(nil)")
		end := strings.Index(s, "awscdk.NewCfnOutput(")
		require.True(t, start >= 0 && end > start, "from NewApp to NewCfnOutput in %q", s)
		end += strings.Index(s[end:], "\n")
		return strings.Split(s[start:end], "\n")
	}
	assert.Equal(t, lines(fn[1]), lines(m[1]))
}
