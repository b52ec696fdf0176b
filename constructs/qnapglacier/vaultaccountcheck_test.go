package qnapglacier_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
	"github.com/qnap-glacier/qnap-glacier/internal/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// accountCheck returns the stack's one Glacier account check and the ID of
// the function behind it.
func accountCheck(t *testing.T, tpl assertions.Template) (id string, check map[string]any, fnID string) {
	t.Helper()
	id, check = cdktest.Only(t, tpl, rules.AccountCheckType)
	att := cdktest.Props(check)["ServiceToken"].(map[string]any)["Fn::GetAtt"].([]any)
	return id, check, att[0].(string)
}

// onlyFunction returns the stack's one Lambda function besides the account
// check's: the watcher in app mode, the custom resources' handler in the
// other modes.
func onlyFunction(t *testing.T, tpl assertions.Template) (string, map[string]any) {
	t.Helper()
	_, _, checkFn := accountCheck(t, tpl)
	var ids []string
	var found map[string]any
	for id, r := range cdktest.Resources(tpl, "AWS::Lambda::Function") {
		if id != checkFn {
			ids, found = append(ids, id), r
		}
	}
	if len(ids) != 1 {
		t.Fatalf("want exactly one AWS::Lambda::Function besides the account check's, found %d: %s", len(ids), strings.Join(ids, ", "))
	}
	return ids[0], found
}

// TestEveryModeChecksFirstThatGlacierServesTheAccount: in every mode the
// stack asks Glacier about the vault before it creates anything of the
// BackupUser, with code of its own that can say what to do instead
// (internal/contract runs it against a Glacier that refuses the account).
func TestEveryModeChecksFirstThatGlacierServesTheAccount(t *testing.T) {
	for name, tpl := range map[string]assertions.Template{
		"app": defaultTemplate(t), "app protected": appProtectedTemplate(t), "existing": existingTemplate(t), "stack": stackModeTemplate(t),
	} {
		checkID, check, fnID := accountCheck(t, tpl)
		assert.Equal(t, defaultVault, cdktest.Props(check)["VaultName"], name)
		fn := cdktest.Resources(tpl, "AWS::Lambda::Function")[fnID]
		require.NotNil(t, fn, name)
		code, _ := cdktest.Props(fn)["Code"].(map[string]any)["ZipFile"].(string)
		assert.Contains(t, code, "NoLongerSupportedException", "%s: the check's code is inline", name)
		assert.Contains(t, code, `"buckets"`, "%s: the failure names the bucket setting", name)
		assert.LessOrEqual(t, len(code), 4096, "%s: Lambda refuses inline code over 4,096 characters, at deploy", name)
		assert.Equal(t, "nodejs24.x", cdktest.Props(fn)["Runtime"], name)

		// Every resource of the BackupUser waits for the check, so a refused
		// account gets nothing but the check, which the rollback removes.
		for id, r := range (*tpl.ToJSON())["Resources"].(map[string]any) {
			if !strings.HasPrefix(id, "BackupUser") {
				continue
			}
			deps, _ := r.(map[string]any)["DependsOn"].([]any)
			assert.Contains(t, deps, checkID, "%s: %s waits for the account check", name, id)
		}
	}
}
