package qnapglacier_test

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/customresources"
	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A caller's own AwsCustomResource, made before the BackupUser, makes the
// stack's one custom-resource function with aws-cdk-lib's role. The vault's
// calls then run as that role: the vault statement must land on it, and
// the cdk-nag suppression for its managed policy must too.
func TestACallersEarlierAwsCustomResourceKeepsItsFunctionAndGetsTheVaultPermission(t *testing.T) {
	tpl := fixtures.Template(t, "callers-provider", func() awscdk.Stack {
		stack := awscdk.NewStack(cdktest.NewApp(nil, nil), jsii.String("Shared"), nil)
		customresources.NewAwsCustomResource(stack, jsii.String("Mine"), &customresources.AwsCustomResourceProps{
			OnCreate: &customresources.AwsSdkCall{
				Service: jsii.String("SSM"), Action: jsii.String("getParameter"),
				Parameters:         map[string]any{"Name": "my-parameter"},
				PhysicalResourceId: customresources.PhysicalResourceId_Of(jsii.String("my-parameter")),
			},
			Policy:              customresources.AwsCustomResourcePolicy_FromSdkCalls(&customresources.SdkCallsPolicyOptions{Resources: customresources.AwsCustomResourcePolicy_ANY_RESOURCE()}),
			InstallLatestAwsSdk: jsii.Bool(false),
		})
		qnapglacier.NewBackupUser(stack, jsii.String("Backup"), &qnapglacier.BackupUserProps{
			VaultName: jsii.String(defaultVault),
			VaultMode: qnapglacier.VaultModeExisting,
		})
		return stack
	})
	_, fn := onlyFunction(t, tpl)
	roleID := cdktest.Props(fn)["Role"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
	role := cdktest.Resources(tpl, "AWS::IAM::Role")[roleID]
	require.NotNil(t, role)
	assert.Contains(t, roleID, "ServiceRole", "the function keeps the role aws-cdk-lib gave it")
	assert.Empty(t, cdktest.Resources(tpl, "AWS::Logs::LogGroup"), "no log group of ours that no function writes to")
	nag, _ := role["Metadata"].(map[string]any)["cdk_nag"].(map[string]any)
	rules, _ := nag["rules_to_suppress"].([]any)
	require.Len(t, rules, 1, "the IAM4 suppression reaches the caller's role")
	assert.Equal(t, "AwsSolutions-IAM4", rules[0].(map[string]any)["id"])

	found := false
	for _, p := range cdktest.Resources(tpl, "AWS::IAM::Policy") {
		if roles := cdktest.Props(p)["Roles"].([]any); roles[0].(map[string]any)["Ref"] != roleID {
			continue
		}
		for _, s := range cdktest.Props(p)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			st := s.(map[string]any)
			if st["Action"] == "glacier:DescribeVault" {
				continue // the account check's (vaultaccountcheck_test.go)
			}
			if st["Resource"] != nil && assert.ObjectsAreEqual(vaultArn(defaultVault), st["Resource"]) {
				found = true
				assert.ElementsMatch(t, []any{"glacier:SetVaultNotifications", "glacier:DeleteVaultNotifications",
					"glacier:AddTagsToVault", "glacier:RemoveTagsFromVault"}, st["Action"])
			}
		}
	}
	assert.True(t, found, "the vault's calls are allowed on the role they run as")
}
