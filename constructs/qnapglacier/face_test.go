package qnapglacier_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The package's face is what a CDK app needs: constructors, props, the
// constructs' interfaces, the enums with their lists and the warning ID.
// The app's own rules (per-field checks, name derivations, action tables,
// tags, limits) live in internal/rules; this test keeps them from coming
// back.
func TestExportedSurfaceIsConstructorsEnumsAndTheWarning(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments)
	require.NoError(t, err)
	var funcs, values []string
	for _, f := range pkgs["qnapglacier"].Files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.IsExported() {
					funcs = append(funcs, d.Name.Name)
				}
			case *ast.GenDecl:
				if d.Tok != token.CONST && d.Tok != token.VAR {
					continue
				}
				for _, s := range d.Specs {
					for _, n := range s.(*ast.ValueSpec).Names {
						if n.IsExported() {
							values = append(values, n.Name)
						}
					}
				}
			}
		}
	}
	slices.Sort(funcs)
	slices.Sort(values)
	assert.Equal(t, []string{"NewBackupBucket", "NewBackupUser", "NewBucketStack", "NewBudgetStack", "NewCostBudget",
		"NewVaultStack", "StorageClasses", "VaultModes"}, funcs)
	assert.Equal(t, []string{"StorageClassDeepArchive", "StorageClassGlacier", "StorageClassGlacierIR", "TopicPolicyWarning",
		"VaultModeApp", "VaultModeExisting", "VaultModeStack"}, values)
}

// The package doc is a guide to both constructs, with the arithmetic under
// its own heading.
func TestPackageDocNamesBothConstructsAndHasALimitsHeading(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	for _, want := range []string{"[BackupBucket]", "[BackupUser]", "[NewBucketStack]", "[NewVaultStack]",
		"only for an account that already stores", "\n// # Limits\n"} {
		assert.Contains(t, string(doc), want)
	}
}

// Every props field says in its doc either "Required." or its default,
// as aws-cdk's own props do.
func TestEveryPropSaysRequiredOrItsDefault(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments)
	require.NoError(t, err)
	required := map[string]bool{
		"BackupUserProps.VaultName": true, "BackupBucketProps.Name": true,
		"CostBudgetProps.MonthlyLimitUsd": true, "CostBudgetProps.NotifyEmails": true,
		"VaultStackProps.BackupUser": true, "BucketStackProps.BackupBucket": true, "BudgetStackProps.CostBudget": true,
	}
	seen := 0
	for _, f := range pkgs["qnapglacier"].Files {
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok || !ts.Name.IsExported() || !strings.HasSuffix(ts.Name.Name, "Props") {
				return true
			}
			for _, field := range ts.Type.(*ast.StructType).Fields.List {
				if len(field.Names) == 0 {
					continue // the embedded awscdk.StackProps
				}
				name := ts.Name.Name + "." + field.Names[0].Name
				seen++
				doc := field.Doc.Text()
				if required[name] {
					assert.Contains(t, doc, "Required.", name)
				} else {
					assert.Contains(t, doc, "Default: ", name)
				}
			}
			return false
		})
	}
	assert.Greater(t, seen, 25, "the props fields were found")
}
