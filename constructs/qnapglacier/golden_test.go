package qnapglacier_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden templates under testdata/golden from the current output")

// assetHash matches the content hash in an asset's S3 key, which changes
// with every aws-cdk-lib release and says nothing about this package.
var assetHash = regexp.MustCompile(`[0-9a-f]{64}(\.zip|\.json)`)

// TestGoldenTemplates compares whole templates with reviewed copies under
// testdata/golden, so that any change to what the construct synthesizes
// shows up as a diff in review. After an intended change, run
//
//	go test ./constructs/... -run Golden -update
//
// and review the diff of testdata/golden like code.
func TestGoldenTemplates(t *testing.T) {
	for name, tpl := range map[string]func(*testing.T) assertions.Template{
		"app-mode":         defaultTemplate,
		"stack-mode":       stackModeTemplate,
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
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, got, 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "no golden template yet: run go test ./constructs/... -run Golden -update")
			assert.True(t, bytes.Equal(want, got), "%s differs from the synthesized template; if the change is intended, run with -update and review the diff", path)
		})
	}
}
