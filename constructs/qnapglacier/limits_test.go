package qnapglacier_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
	"github.com/qnap-glacier/qnap-glacier/internal/contract"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// AWS limits that only bite at deploy time.
const (
	maxStackResources     = 500    // CloudFormation, per stack
	maxRoleInlinePolicy   = 10_240 // IAM, all inline policies of a role together
	maxManagedPolicy      = 6_144  // IAM, one managed policy
	maxRoleManagedPolices = 10     // IAM's default quota per role
)

// fullStackVaults is how many vaults in stack mode, with protection and
// tags, fit in one stack under CloudFormation's 500 resources (the godoc
// of NewBackupUser says so).
const fullStackVaults = 49

// TestAFullStackOfVaultsStaysWithinIAMLimits puts as many vaults as one
// stack can hold, each configured by the stack with every custom resource
// and a 255-character name, into one stack, without the
// minimizePolicies feature flag (a library user's app may not set it).
// IAM then counts, per role, its inline policies together and each managed
// policy alone, as JSON without whitespace, with the longest partition and
// region values filled in.
func TestAFullStackOfVaultsStaysWithinIAMLimits(t *testing.T) {
	tpl := fixtures.Template(t, "full-stack", func() awscdk.Stack {
		stack := awscdk.NewStack(cdktest.NewApp(nil, nil), jsii.String("Full"), nil)
		for i := range fullStackVaults {
			qnapglacier.NewBackupUser(stack, jsii.String(fmt.Sprintf("Vault%03d", i)), &qnapglacier.BackupUserProps{
				VaultName:           jsii.String(fmt.Sprintf("%03d-", i) + strings.Repeat("v", 251)),
				VaultMode:           qnapglacier.VaultModeStack,
				VaultTags:           map[string]string{"owner": "me"},
				ProtectArchivesDays: jsii.Number(90),
			})
		}
		return stack
	})
	resources := (*tpl.ToJSON())["Resources"].(map[string]any)
	perVault := 0
	for id := range resources {
		// A logical ID starts with its construct path: Vault000...
		if strings.HasPrefix(id, "Vault000") {
			perVault++
		}
	}
	assert.LessOrEqual(t, len(resources), maxStackResources)
	assert.Greater(t, len(resources)+perVault, maxStackResources, "%d vaults fill the stack: one more would not fit", fullStackVaults)

	st := &contract.Stack{Name: "Full", Resources: map[string]map[string]any{}}
	for id, r := range resources {
		st.Resources[id] = r.(map[string]any)
	}
	size := func(doc any) int {
		resolved, err := st.Resolve(doc, contract.Env{Partition: "aws-us-gov", Region: "us-gov-west-1", Account: "111122223333", Generation: "g"})
		require.NoError(t, err)
		b, err := json.Marshal(resolved)
		require.NoError(t, err)
		return len(b)
	}
	attachedTo := func(r map[string]any, role string) bool {
		for _, ref := range asSlice(cdktest.Props(r)["Roles"]) {
			if m, _ := ref.(map[string]any); m["Ref"] == role {
				return true
			}
		}
		return false
	}
	roles := cdktest.Resources(tpl, "AWS::IAM::Role")
	require.NotEmpty(t, roles)
	for id, role := range roles {
		inline, managed := 0, len(asSlice(cdktest.Props(role)["ManagedPolicyArns"]))
		for _, p := range asSlice(cdktest.Props(role)["Policies"]) {
			inline += size(p.(map[string]any)["PolicyDocument"])
		}
		for _, p := range cdktest.Resources(tpl, "AWS::IAM::Policy") {
			if attachedTo(p, id) {
				inline += size(cdktest.Props(p)["PolicyDocument"])
			}
		}
		for pid, p := range cdktest.Resources(tpl, "AWS::IAM::ManagedPolicy") {
			if attachedTo(p, id) {
				managed++
				assert.LessOrEqual(t, size(cdktest.Props(p)["PolicyDocument"]), maxManagedPolicy, "managed policy %s", pid)
			}
		}
		assert.LessOrEqual(t, inline, maxRoleInlinePolicy, "role %s: inline policies together", id)
		assert.LessOrEqual(t, managed, maxRoleManagedPolices, "role %s: managed policies", id)
		t.Logf("role %s: %d characters of inline policy, %d managed policies, %d resources in the stack", id, inline, managed, len(resources))
	}
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}
