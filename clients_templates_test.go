package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
	"github.com/qnap-glacier/qnap-glacier/internal/clients"
	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

var update = flag.Bool("update", false, "rewrite what the client and contract tests read (internal/clients/testdata, internal/contract/testdata) from the app's output")

// assetHash matches the content hash in an asset's S3 key, which changes
// with every aws-cdk-lib release.
var assetHash = regexp.MustCompile(`[0-9a-f]{64}(\.zip|\.json)`)

// TestClientTemplatesAreTheAppsOwn holds the templates that the real
// clients run against (internal/clients reads them, so that its tests
// compile and start no CDK) equal to what the app synthesizes for the same
// cdk.json, except CDK's analytics metadata and asset hashes. After a
// change to what a bucket stack synthesizes, run
//
//	go test . -run ClientTemplates -update
//
// review the diff of internal/clients/testdata, and run the client tests.
func TestClientTemplatesAreTheAppsOwn(t *testing.T) {
	for _, s := range clients.Settings {
		t.Run(s.Name, func(t *testing.T) {
			ctx := cdktest.CdkJSONContext(t, "cdk.json")
			maps.Copy(ctx, s.Context())
			tpl, ok := walkthroughTemplates(t, ctx)[rules.StackName(clients.Target)]
			require.True(t, ok, "the app builds stack %s", rules.StackName(clients.Target))
			got := assetHash.ReplaceAll(storedTemplate(t, *tpl.ToJSON()), []byte("<asset-hash>$1"))

			path := filepath.Join("internal", "clients", s.TemplateFile())
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, got, 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "no template yet: run go test . -run ClientTemplates -update")
			assert.True(t, bytes.Equal(want, got), "%s differs from what the app synthesizes; if the change is intended, "+
				"run go test . -run ClientTemplates -update, review the diff and run go test ./internal/clients", path)
		})
	}
}

// storedTemplate is a template as the client and contract tests' testdata
// keep it: without CDK's analytics metadata (which names the versions that
// synthesized it), indented, ending in a newline.
func storedTemplate(t *testing.T, doc map[string]any) []byte {
	t.Helper()
	if res, ok := doc["Resources"].(map[string]any); ok {
		delete(res, "CDKMetadata")
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	require.NoError(t, err)
	return append(out, '\n')
}
