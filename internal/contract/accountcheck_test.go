package contract_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/qnap-glacier/qnap-glacier/internal/contract"
	"github.com/qnap-glacier/qnap-glacier/internal/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noLongerSupported is what Glacier answers every vault call of an account
// it no longer serves, as its API reference and SDK models give it: 400,
// type Client, and this message.
const noLongerSupported = "This API is no longer supported for new accounts. Please use Amazon S3 Glacier storage classes instead."

// newAccountCheck runs a stack's Glacier account check, the inline code of
// the function its custom resource names exactly as synthesized, against a
// fake Glacier, and plays CloudFormation to it.
func newAccountCheck(t *testing.T, st *contract.Stack) (*deployment, contract.CustomResource) {
	var check *contract.CustomResource
	for _, cr := range st.CustomResources() {
		if cr.Type == rules.AccountCheckType {
			require.Nil(t, check, "one account check per stack")
			check = &cr
		}
	}
	require.NotNil(t, check, "%s has an account check", st.Name)
	att := check.Properties["ServiceToken"].(map[string]any)["Fn::GetAtt"].([]any)
	fn := props(st.Resources[att[0].(string)])
	code, _ := fn["Code"].(map[string]any)["ZipFile"].(string)
	require.NotEmpty(t, code, "the check's code is inline")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.js"), []byte(code), 0o644))

	nodeModules := sdkClients(t, "client-glacier")
	fake := contract.NewFake()
	t.Cleanup(fake.Close)
	h, err := contract.StartHandler(dir, fn["Handler"].(string), contract.HandlerEnv(nodeModules, region, map[string]string{"glacier": fake.URL()}))
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, h.Close()) })
	return &deployment{t: t, fake: fake, handler: h}, *check
}

// TestAnAccountGlacierNoLongerServesFailsTheDeployWithTheBucketHint plays
// the first deploy of a vault stack, in every mode, into an account
// Glacier refuses: Glacier answers NoLongerSupportedException to every
// call. The check is the stack's first custom resource and every other one
// waits for it, so CloudFormation sends them nothing: the check answers
// FAILED with a reason that says the account cannot use vaults and names
// the "buckets" setting, and the rollback's Delete of the check succeeds,
// with no call to Glacier.
func TestAnAccountGlacierNoLongerServesFailsTheDeployWithTheBucketHint(t *testing.T) {
	skipInShort(t)
	for _, vault := range []string{appVault, existingVault, stackVault} {
		t.Run(vault, func(t *testing.T) {
			st := stack(t, first, vault)
			d, check := newAccountCheck(t, st)
			for _, cr := range vaultCalls(st) {
				assert.Contains(t, cr.DependsOn, check.LogicalID, "%s waits for the check", cr.Type)
			}
			d.fake.FailAll(400, "NoLongerSupportedException", noLongerSupported)

			resp, reqs := d.send("Create", st, check, first, nil, "")
			assert.Equal(t, "FAILED", resp.Status, "the deploy fails")
			assert.Contains(t, resp.Reason, "This AWS account cannot use Amazon Glacier vaults")
			assert.Contains(t, resp.Reason, `move this vault from "vaults" to "buckets" in the "context" of cdk.json`)
			assert.Contains(t, resp.Reason, noLongerSupported, "Glacier's own words are kept")
			assert.LessOrEqual(t, len(resp.Reason), 1000, "CloudFormation shows the reason in its events")
			checkRequests(t, "the check", []call{{method: "GET", path: pathOf(vault)}}, reqs)

			resp, reqs = d.send("Delete", st, check, first, nil, resp.PhysicalResourceId)
			assert.Equal(t, "SUCCESS", resp.Status, "the rollback removes the check: %s", resp.Reason)
			assert.Empty(t, reqs, "the rollback asks Glacier nothing")
		})
	}
}

// TestAnAccountGlacierServesDeploys is the control: an account Glacier
// serves passes the check whether the vault exists yet (app mode before the
// NAS made it, stack mode) or not, through Create, Update and Delete; any
// other failure fails the deploy with what Glacier said, rather than
// letting it pass unchecked.
func TestAnAccountGlacierServesDeploys(t *testing.T) {
	skipInShort(t)
	st := stack(t, first, appVault)
	d, check := newAccountCheck(t, st)

	d.fake.Fail("GET", pathOf(appVault), 404, "ResourceNotFoundException", "Vault not found for ARN: arn:aws:glacier:"+region+":"+account+":vaults/"+appVault)
	resp, reqs := d.send("Create", st, check, first, nil, "")
	require.Equal(t, "SUCCESS", resp.Status, "a vault not created yet: %s", resp.Reason)
	checkRequests(t, "Create", []call{{method: "GET", path: pathOf(appVault)}}, reqs)
	id := resp.PhysicalResourceId
	assert.NotEmpty(t, id)

	d.fake.Heal()
	d.fake.Answer("GET", pathOf(appVault), 200, map[string]any{"VaultName": appVault, "NumberOfArchives": 0, "SizeInBytes": 0})
	resp, _ = d.send("Update", stack(t, second, appVault), check, second, &first, id)
	assert.Equal(t, "SUCCESS", resp.Status, "the vault exists: %s", resp.Reason)
	assert.Equal(t, id, resp.PhysicalResourceId, "an update replaces nothing")

	d.fake.Heal()
	d.fake.Fail("GET", pathOf(appVault), 403, "AccessDeniedException", "User is not authorized to perform glacier:DescribeVault")
	resp, _ = d.send("Create", st, check, first, nil, "")
	assert.Equal(t, "FAILED", resp.Status)
	assert.Contains(t, resp.Reason, "Could not check that Glacier serves this account: AccessDeniedException: User is not authorized")

	resp, reqs = d.send("Delete", st, check, first, nil, id)
	assert.Equal(t, "SUCCESS", resp.Status, resp.Reason)
	assert.Empty(t, reqs)
}
