package contract_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/qnap-glacier/qnap-glacier/internal/contract"
	"github.com/qnap-glacier/qnap-glacier/internal/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// skipInShort skips a test that runs deploy-time code in Node under go
// test -short, the quick loop; go test ./... runs it.
func skipInShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: runs the deploy-time code in Node; go test ./... runs it")
	}
}

const (
	appVault      = contract.AppVault
	plainVault    = contract.PlainVault // app mode, no protection
	existingVault = contract.ExistingVault
	stackVault    = contract.StackVault
	region        = "eu-west-1"
	account       = "111122223333"
)

// settings are one deployment's settings: the first deploy, and an update
// (contract.Deployment).
type settings = contract.Deployment

var (
	first  = contract.Deployments[0]
	second = contract.Deployments[1]
)

// stack reads a stack of the app synthesized with s from the package's
// testdata (contract.Deployment.AssemblyDir).
func stack(t *testing.T, s settings, vault string) *contract.Stack {
	dir, err := filepath.Abs(s.AssemblyDir())
	require.NoError(t, err)
	st, err := contract.LoadStack(dir, rules.StackName(vault))
	require.NoError(t, err, "the app's tests write testdata: go test . -run ContractAssemblies -update")
	return st
}

func env(s settings) contract.Env {
	return contract.Env{Partition: "aws", Region: region, Account: account, Generation: s.Generation}
}

// deployment runs the handler behind a stack's custom resources against a
// fake Glacier endpoint and plays CloudFormation.
type deployment struct {
	t       *testing.T
	fake    *contract.Fake
	handler *contract.Handler
	seq     int
}

// vaultCalls are a stack's custom resources that call Glacier through
// aws-cdk-lib's AwsCustomResource handler, in creation order: all but the
// account check, which has code of its own (accountcheck_test.go).
func vaultCalls(st *contract.Stack) []contract.CustomResource {
	var out []contract.CustomResource
	for _, cr := range st.CustomResources() {
		if cr.Type != rules.AccountCheckType {
			out = append(out, cr)
		}
	}
	return out
}

func newDeployment(t *testing.T, st *contract.Stack) *deployment {
	crs := vaultCalls(st)
	require.NotEmpty(t, crs)
	dir, name, err := st.HandlerOf(crs[0])
	require.NoError(t, err)
	for _, cr := range crs[1:] {
		d, n, err := st.HandlerOf(cr)
		require.NoError(t, err)
		require.Equal(t, dir+name, d+n, "every vault call runs in the same handler")
	}
	nodeModules := sdkClients(t, "client-glacier")

	fake := contract.NewFake()
	t.Cleanup(fake.Close)
	h, err := contract.StartHandler(dir, name, contract.HandlerEnv(nodeModules, region, map[string]string{"glacier": fake.URL()}))
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, h.Close()) })
	return &deployment{t: t, fake: fake, handler: h}
}

// send plays one CloudFormation request to a custom resource, with its
// properties as CloudFormation sends them, and returns the handler's
// answer and the Glacier requests it made.
func (d *deployment) send(requestType string, st *contract.Stack, cr contract.CustomResource, s settings, old *settings, physicalID string) (contract.Response, []contract.Request) {
	d.t.Helper()
	d.seq++
	requestID := fmt.Sprintf("request-%d", d.seq)
	event := map[string]any{
		"RequestType":        requestType,
		"ServiceToken":       "arn:aws:lambda:" + region + ":" + account + ":function:provider",
		"ResponseURL":        d.fake.ResponseURL(requestID),
		"StackId":            "arn:aws:cloudformation:" + region + ":" + account + ":stack/" + st.Name + "/guid",
		"RequestId":          requestID,
		"LogicalResourceId":  cr.LogicalID,
		"ResourceType":       cr.Type,
		"ResourceProperties": d.properties(st, cr, s),
	}
	if old != nil {
		event["OldResourceProperties"] = d.properties(stack(d.t, *old, vaultOf(st)), cr, *old)
	}
	if physicalID != "" {
		event["PhysicalResourceId"] = physicalID
	}
	require.NoError(d.t, d.handler.Invoke(event))
	resp, ok := d.fake.Response(requestID)
	require.True(d.t, ok, "%s %s: the handler never answered CloudFormation; logs:\n%s", requestType, cr.Type, d.handler.Logs())
	assert.Equal(d.t, requestID, resp.RequestId)
	assert.Equal(d.t, cr.LogicalID, resp.LogicalResourceId)
	return resp, d.fake.Take()
}

// properties are a custom resource's properties in the stack synthesized
// with settings s, resolved and stringified.
func (d *deployment) properties(st *contract.Stack, cr contract.CustomResource, s settings) any {
	d.t.Helper()
	r, ok := st.Resources[cr.LogicalID]
	require.True(d.t, ok, "%s is in every version of the stack", cr.LogicalID)
	props, err := st.Resolve(r["Properties"], env(s))
	require.NoError(d.t, err)
	return contract.Stringify(props)
}

func vaultOf(st *contract.Stack) string {
	for _, v := range []string{appVault, plainVault, existingVault, stackVault} {
		if rules.StackName(v) == st.Name {
			return v
		}
	}
	panic("no vault for stack " + st.Name)
}

// call is a Glacier REST request as the API reference defines it.
type call struct {
	method, path, operation string
	body                    map[string]any // nil: no body
}

func topicArn(st *contract.Stack, s settings) string {
	for id, r := range st.Resources {
		if r["Type"] == "AWS::SNS::Topic" {
			arn, _ := st.Resolve(map[string]any{"Ref": id}, env(s))
			return arn.(string)
		}
	}
	panic("no topic in " + st.Name)
}

func tagKeys(s settings) []any {
	keys := append(slices.Collect(maps.Keys(s.Tags)), "project", "qnap-glacier:vault")
	slices.Sort(keys)
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = k
	}
	return out
}

// want is what each custom resource must send Glacier for a request.
func want(st *contract.Stack, vault, typ, requestType string, s settings) []call {
	base := "/-/vaults/" + vault
	switch typ + " " + requestType {
	case "Custom::GlacierVault Create", "Custom::GlacierVault Update":
		return []call{{method: "PUT", path: base}}
	case "Custom::GlacierVault Delete":
		return nil // the vault holds the backups
	case "Custom::GlacierVaultNotifications Create", "Custom::GlacierVaultNotifications Update":
		return []call{{method: "PUT", path: base + "/notification-configuration", body: map[string]any{
			"SNSTopic": topicArn(st, s),
			"Events":   []any{"ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"},
		}}}
	case "Custom::GlacierVaultNotifications Delete":
		return []call{{method: "DELETE", path: base + "/notification-configuration"}}
	case "Custom::GlacierVaultTags Create", "Custom::GlacierVaultTags Update":
		tags := map[string]any{"project": "qnap-glacier", "qnap-glacier:vault": vault}
		maps.Copy(tags, s.Tags)
		return []call{{method: "POST", path: base + "/tags", operation: "add", body: map[string]any{"Tags": tags}}}
	case "Custom::GlacierVaultTags Delete":
		return []call{{method: "POST", path: base + "/tags", operation: "remove", body: map[string]any{"TagKeys": tagKeys(s)}}}
	case "Custom::GlacierVaultAccessPolicy Create", "Custom::GlacierVaultAccessPolicy Update":
		return []call{{method: "PUT", path: base + "/access-policy", body: map[string]any{"Policy": protection(vault, s.Days)}}}
	case "Custom::GlacierVaultAccessPolicy Delete":
		return []call{{method: "DELETE", path: base + "/access-policy"}}
	}
	panic("no expectation for " + typ + " " + requestType)
}

// protection is the vault access policy document that must reach Glacier:
// nobody may delete an archive younger than days.
func protection(vault string, days int) map[string]any {
	return map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid":       fmt.Sprintf("DenyDeletingArchivesYoungerThan%dDays", days),
			"Effect":    "Deny",
			"Principal": "*",
			"Action":    "glacier:DeleteArchive",
			"Resource":  "arn:aws:glacier:" + region + ":" + account + ":vaults/" + vault,
			"Condition": map[string]any{"NumericLessThan": map[string]any{"glacier:ArchiveAgeInDays": fmt.Sprint(days)}},
		}},
	}
}

// checkRequests compares what Glacier received with what the API
// reference defines, request by request.
func checkRequests(t *testing.T, what string, want []call, got []contract.Request) {
	t.Helper()
	if !assert.Len(t, got, len(want), "%s: number of Glacier requests", what) {
		return
	}
	for i, w := range want {
		r := got[i]
		assert.Equal(t, w.method+" "+w.path, r.Method+" "+r.Path, what)
		assert.Equal(t, w.operation, r.Query.Get("operation"), "%s: query operation", what)
		assert.Equal(t, "2012-06-01", r.Header.Get("X-Amz-Glacier-Version"), "%s: Glacier refuses a request without its API version header", what)
		assert.Contains(t, r.Header.Get("Authorization"), "/"+region+"/glacier/aws4_request", "%s: signed for Glacier in the stack's region", what)
		if w.body == nil {
			assert.Empty(t, r.Body, "%s: no body", what)
			continue
		}
		body, err := r.JSON()
		if !assert.NoError(t, err, what) {
			continue
		}
		if policy, ok := w.body["Policy"]; ok {
			s, isString := body["Policy"].(string)
			if assert.True(t, isString, "%s: the API takes the policy document as a JSON string, got %v", what, body["Policy"]) {
				var doc map[string]any
				assert.NoError(t, json.Unmarshal([]byte(s), &doc), what)
				assert.Equal(t, policy, doc, what)
			}
			continue
		}
		assert.Equal(t, w.body, body, what)
	}
}

// lifecycle plays a vault's custom resources through Create, an Update to
// the second settings, and Delete, as CloudFormation would.
func lifecycle(t *testing.T, vault string, types []string) {
	st1, st2 := stack(t, first, vault), stack(t, second, vault)
	crs := vaultCalls(st1)
	got := make([]string, len(crs))
	for i, cr := range crs {
		got[i] = cr.Type
	}
	require.Equal(t, types, got, "custom resources, in the order CloudFormation creates them")
	d := newDeployment(t, st1)

	ids := map[string]string{}
	for _, cr := range crs {
		what := "Create " + cr.Type
		resp, reqs := d.send("Create", st1, cr, first, nil, "")
		require.Equal(t, "SUCCESS", resp.Status, "%s: %s; handler logs:\n%s", what, resp.Reason, d.handler.Logs())
		assert.NotEmpty(t, resp.PhysicalResourceId, what)
		ids[cr.LogicalID] = resp.PhysicalResourceId
		checkRequests(t, what, want(st1, vault, cr.Type, "Create", first), reqs)
	}
	for _, cr := range crs {
		what := "Update " + cr.Type
		resp, reqs := d.send("Update", st2, cr, second, &first, ids[cr.LogicalID])
		require.Equal(t, "SUCCESS", resp.Status, "%s: %s", what, resp.Reason)
		assert.Equal(t, ids[cr.LogicalID], resp.PhysicalResourceId, "%s: the same physical ID, so CloudFormation replaces nothing", what)
		checkRequests(t, what, want(st2, vault, cr.Type, "Update", second), reqs)
	}
	for _, cr := range slices.Backward(crs) {
		what := "Delete " + cr.Type
		resp, reqs := d.send("Delete", st2, cr, second, nil, ids[cr.LogicalID])
		require.Equal(t, "SUCCESS", resp.Status, "%s: %s", what, resp.Reason)
		checkRequests(t, what, want(st2, vault, cr.Type, "Delete", second), reqs)
	}
}

func TestExistingModeDeploysUpdatesAndDeletesAgainstGlacier(t *testing.T) {
	skipInShort(t)
	lifecycle(t, existingVault, []string{
		"Custom::GlacierVaultAccessPolicy", "Custom::GlacierVaultNotifications", "Custom::GlacierVaultTags",
	})
}

func TestStackModeCreatesTheVaultFirstAndNeverDeletesIt(t *testing.T) {
	skipInShort(t)
	lifecycle(t, stackVault, []string{
		"Custom::GlacierVault",
		"Custom::GlacierVaultAccessPolicy", "Custom::GlacierVaultNotifications", "Custom::GlacierVaultTags",
	})
	for _, cr := range stack(t, first, stackVault).CustomResources() {
		if cr.Type == "Custom::GlacierVault" {
			assert.Equal(t, "Retain", cr.Deletion, "CloudFormation sends no Delete for the vault at all")
		}
	}
}

// TestAMissingVaultFailsTheDeployAndRollsBackCleanly is the negative
// control: deploying existing mode before the NAS has created the vault.
// Glacier answers 404; the handler must answer FAILED so CloudFormation
// rolls back. CloudFormation then sends Delete for the resource whose
// Create failed, with the physical ID the failed answer carried; that
// Delete must succeed, or the stack is stuck in ROLLBACK_FAILED.
func TestAMissingVaultFailsTheDeployAndRollsBackCleanly(t *testing.T) {
	skipInShort(t)
	st := stack(t, first, existingVault)
	d := newDeployment(t, st)
	for _, cr := range vaultCalls(st) {
		calls := want(st, existingVault, cr.Type, "Create", first)
		for _, c := range append(calls, want(st, existingVault, cr.Type, "Delete", first)...) {
			d.fake.Fail(c.method, c.path, 404, "ResourceNotFoundException", "Vault not found for ARN: arn:aws:glacier:"+region+":"+account+":vaults/"+existingVault)
		}

		resp, reqs := d.send("Create", st, cr, first, nil, "")
		assert.Equal(t, "FAILED", resp.Status, "Create %s on a missing vault", cr.Type)
		assert.Contains(t, resp.Reason, "Vault not found", "Create %s: the reason reaches CloudFormation's events", cr.Type)
		assert.Len(t, reqs, len(calls), "Create %s reached Glacier", cr.Type)

		resp, _ = d.send("Delete", st, cr, first, nil, resp.PhysicalResourceId)
		assert.Equal(t, "SUCCESS", resp.Status, "rollback: Delete %s of a vault that does not exist: %s", cr.Type, resp.Reason)
		d.fake.Heal()
	}
	assert.False(t, strings.Contains(d.handler.Logs(), "wJalrXUtnFEMI"), "the handler never logs credentials")
}

// sdkClients returns the repository's node_modules, where `npm ci` installs
// the AWS SDK clients that package.json pins, and stops the test with one
// line saying so when one of the clients is missing: without them Node
// would fail with a stack trace of its own.
func sdkClients(t *testing.T, clients ...string) string {
	t.Helper()
	nodeModules, err := filepath.Abs("../../node_modules")
	require.NoError(t, err)
	for _, c := range clients {
		if _, err := os.Stat(filepath.Join(nodeModules, "@aws-sdk", c, "package.json")); err != nil {
			t.Fatalf("node_modules/@aws-sdk/%s is missing: run `npm ci` in the repository root (package.json pins the SDK clients the deploy-time code runs with)", c)
		}
	}
	return nodeModules
}

// props is a template resource's Properties.
func props(r map[string]any) map[string]any {
	p, _ := r["Properties"].(map[string]any)
	return p
}
