package qnapglacier_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBucketGoldenTemplates compares the bucket stacks' templates with
// reviewed copies under testdata/golden, as TestGoldenTemplates does for
// vaults (same -update flag).
func TestBucketGoldenTemplates(t *testing.T) {
	for name, tpl := range map[string]func(*testing.T) assertions.Template{
		"bucket-default":   defaultBucketTemplate,
		"bucket-protected": protectedBucketTemplate,
	} {
		t.Run(name, func(t *testing.T) {
			doc := *tpl(t).ToJSON()
			delete(doc["Resources"].(map[string]any), "CDKMetadata")
			got, err := json.MarshalIndent(doc, "", "  ")
			require.NoError(t, err)
			got = append(assetHash.ReplaceAll(got, []byte("<asset-hash>$1")), '\n')

			path := filepath.Join("testdata", "golden", name+".template.json")
			if *update {
				require.NoError(t, os.WriteFile(path, got, 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "no golden template yet: run go test ./constructs/... -run Golden -update")
			assert.True(t, bytes.Equal(want, got), "%s differs from the synthesized template; if the change is intended, run with -update and review the diff", path)
		})
	}
}
