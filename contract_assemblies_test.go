package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qnap-glacier/qnap-glacier/internal/app"
	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
	"github.com/qnap-glacier/qnap-glacier/internal/contract"
)

// TestContractAssembliesAreTheAppsOwn holds what the deploy-contract tests
// play (internal/contract reads it, so that its tests compile and start no
// CDK) equal to what the app synthesizes for the same cdk.json: each
// stack's template, except CDK's analytics metadata, its asset manifest,
// and the assets (aws-cdk-lib's custom-resource handler). After a change to
// what a vault stack synthesizes, or a new aws-cdk-lib, run
//
//	go test . -run ContractAssemblies -update
//
// review the diff of internal/contract/testdata, and run the contract tests.
func TestContractAssembliesAreTheAppsOwn(t *testing.T) {
	for _, d := range contract.Deployments {
		t.Run(d.Generation, func(t *testing.T) {
			out := fixtures.Assembly(t, "contract-"+d.Generation, func(outdir string) awscdk.App {
				ctx := cdktest.CdkJSONContext(t, "cdk.json")
				maps.Copy(ctx, d.Context())
				a, err := app.New(&awscdk.AppProps{
					Context:                         &ctx,
					Outdir:                          jsii.String(outdir),
					BuiltinCloudFormationValidation: jsii.Bool(false),
				}, noEnv)
				require.NoError(t, err)
				return a
			})
			got := contractFiles(t, out, true)
			require.NotEmpty(t, got)
			dir := filepath.Join("internal", "contract", d.AssemblyDir())
			if *update {
				require.NoError(t, os.RemoveAll(dir))
				for name, body := range got {
					path := filepath.Join(dir, name)
					require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
					require.NoError(t, os.WriteFile(path, body, 0o644))
				}
				return
			}
			want := contractFiles(t, dir, false)
			require.NotEmpty(t, want, "no assembly yet: run go test . -run ContractAssemblies -update")
			assert.ElementsMatch(t, slices.Collect(maps.Keys(want)), slices.Collect(maps.Keys(got)), "%s holds other files than the app writes", dir)
			for name, body := range got {
				assert.True(t, bytes.Equal(want[name], body), "%s differs from what the app synthesizes; if the change is "+
					"intended, run go test . -run ContractAssemblies -update, review the diff and run go test ./internal/contract",
					filepath.Join(dir, name))
			}
		})
	}
}

// contractFiles reads the files of a cloud assembly that the contract
// tests read, by path within it; fresh (the app's output) has its
// templates as the testdata keeps them (storedTemplate).
func contractFiles(t *testing.T, dir string, fresh bool) map[string][]byte {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		base := filepath.Base(rel)
		inAsset := strings.HasPrefix(rel, "asset.")
		if !inAsset && !strings.HasSuffix(base, ".template.json") && !strings.HasSuffix(base, ".assets.json") {
			return nil
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if fresh && strings.HasSuffix(base, ".template.json") {
			var doc map[string]any
			if err := json.Unmarshal(body, &doc); err != nil {
				return err
			}
			body = storedTemplate(t, doc)
		}
		files[rel] = body
		return nil
	})
	if !os.IsNotExist(err) {
		require.NoError(t, err)
	}
	return files
}
