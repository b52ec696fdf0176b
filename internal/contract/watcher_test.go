package contract_test

import (
	"encoding/json"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/qnap-glacier/qnap-glacier/internal/contract"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// watcher runs app mode's watcher, the inline code of the stack's one
// Lambda function exactly as synthesized, with the function's environment
// resolved as CloudFormation would, against fake Glacier and SNS
// endpoints.
type watcher struct {
	handler       *contract.Handler
	glacier, sns  *contract.Fake
	topic, policy string
	tags          map[string]any
}

func newWatcher(t *testing.T, vault string) *watcher {
	st := stack(t, first, vault)
	var fn map[string]any
	for _, r := range st.Resources {
		// The watcher, not the account check's function
		// (accountcheck_test.go): the one with the vault in its environment.
		if r["Type"] == "AWS::Lambda::Function" && props(r)["Environment"] != nil {
			require.Nil(t, fn, "app mode has one watcher")
			fn = props(r)
		}
	}
	require.NotNil(t, fn, "app mode has a watcher function")
	code, _ := fn["Code"].(map[string]any)["ZipFile"].(string)
	require.NotEmpty(t, code, "the watcher's code is inline")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.js"), []byte(code), 0o644))

	vars, err := st.Resolve(fn["Environment"].(map[string]any)["Variables"], env(first))
	require.NoError(t, err)
	w := &watcher{glacier: contract.NewFake(), sns: contract.NewFake()}
	t.Cleanup(w.glacier.Close)
	t.Cleanup(w.sns.Close)
	nodeModules := sdkClients(t, "client-glacier", "client-sns")
	environ := contract.HandlerEnv(nodeModules, region, map[string]string{"glacier": w.glacier.URL(), "sns": w.sns.URL()})
	for k, v := range vars.(map[string]any) {
		environ = append(environ, k+"="+v.(string))
	}
	w.topic = vars.(map[string]any)["TOPIC_ARN"].(string)
	w.policy, _ = vars.(map[string]any)["POLICY"].(string)
	require.NoError(t, json.Unmarshal([]byte(vars.(map[string]any)["TAGS"].(string)), &w.tags))

	w.handler, err = contract.StartHandler(dir, fn["Handler"].(string), environ)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, w.handler.Close()) })
	return w
}

// tick plays one run of the hourly schedule and returns what the watcher
// changed, the Glacier requests it made and the SNS requests.
func (w *watcher) tick(t *testing.T) (changed []string, glacier, sns []contract.Request) {
	t.Helper()
	result, err := w.handler.Call(map[string]any{
		"version": "0", "id": "schedule-run", "detail-type": "Scheduled Event", "source": "aws.events",
		"account": account, "region": region, "time": "2026-11-27T20:00:00Z",
		"resources": []any{"arn:aws:events:" + region + ":" + account + ":rule/watcher"}, "detail": map[string]any{},
	})
	require.NoError(t, err)
	var out struct{ Changed []string }
	require.NoError(t, json.Unmarshal(result, &out), "%s", result)
	return out.Changed, w.glacier.Take(), w.sns.Take()
}

const vaultPath = "/-/vaults/" + appVault

func pathOf(vault string) string { return "/-/vaults/" + vault }

// vaultExists makes the fake Glacier hold the vault with the settings
// given (nil: not set).
func (w *watcher) vaultExists(notifications, tags map[string]any, policy string) {
	w.vaultNamedExists(appVault, notifications, tags, policy)
}

func (w *watcher) vaultNamedExists(vault string, notifications, tags map[string]any, policy string) {
	vaultPath := pathOf(vault)
	w.glacier.Heal()
	w.glacier.Answer("GET", vaultPath, 200, map[string]any{
		"VaultARN":  "arn:aws:glacier:" + region + ":" + account + ":vaults/" + vault,
		"VaultName": vault, "CreationDate": "2026-11-27T19:00:00.000Z", "NumberOfArchives": 0, "SizeInBytes": 0,
	})
	if notifications == nil {
		w.glacier.Fail("GET", vaultPath+"/notification-configuration", 404, "ResourceNotFoundException", "No notification configuration is set for vault")
	} else {
		w.glacier.Answer("GET", vaultPath+"/notification-configuration", 200, notifications)
	}
	w.glacier.Answer("GET", vaultPath+"/tags", 200, map[string]any{"Tags": tags})
	if policy == "" {
		w.glacier.Fail("GET", vaultPath+"/access-policy", 404, "ResourceNotFoundException", "No vault access policy is set")
	} else {
		w.glacier.Answer("GET", vaultPath+"/access-policy", 200, map[string]any{"Policy": policy})
	}
}

func (w *watcher) wired() map[string]any {
	return map[string]any{"SNSTopic": w.topic, "Events": []any{"ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"}}
}

var reads = []call{
	{method: "GET", path: vaultPath},
	{method: "GET", path: vaultPath + "/notification-configuration"},
	{method: "GET", path: vaultPath + "/tags"},
	{method: "GET", path: vaultPath + "/access-policy"},
}

func TestTheWatcherWiresTheVaultOnceTheNASCreatesItAndPutsBackChanges(t *testing.T) {
	skipInShort(t)
	w := newWatcher(t, appVault)
	st := stack(t, first, appVault)

	// The NAS has not created the vault yet: one look, nothing else, no noise.
	w.glacier.Fail("GET", vaultPath, 404, "ResourceNotFoundException", "Vault not found for ARN")
	changed, glacier, sns := w.tick(t)
	assert.Empty(t, changed, "vault missing")
	checkRequests(t, "vault missing", reads[:1], glacier)
	assert.Empty(t, sns, "vault missing: no message")

	// The vault appears, bare: everything is applied, and the owner is told once.
	w.vaultExists(nil, map[string]any{}, "")
	changed, glacier, sns = w.tick(t)
	assert.Equal(t, []string{"notifications", "tags", "protection"}, changed, "vault appears")
	tags := map[string]any{}
	maps.Copy(tags, w.tags)
	checkRequests(t, "vault appears", []call{
		reads[0], reads[1],
		want(st, appVault, "Custom::GlacierVaultNotifications", "Create", first)[0],
		reads[2],
		want(st, appVault, "Custom::GlacierVaultTags", "Create", first)[0],
		reads[3],
		want(st, appVault, "Custom::GlacierVaultAccessPolicy", "Create", first)[0],
	}, glacier)
	if assert.Len(t, sns, 1, "vault appears: one message") {
		assert.Equal(t, "POST /", sns[0].Method+" "+sns[0].Path)
		form, err := url.ParseQuery(string(sns[0].Body))
		require.NoError(t, err)
		assert.Equal(t, "Publish", form.Get("Action"))
		assert.Equal(t, w.topic, form.Get("TopicArn"), "to the vault's own topic")
		assert.Contains(t, form.Get("Message"), "Vault "+appVault+" now sends its retrieval notifications")
		assert.Contains(t, form.Get("Message"), "archives younger than 90 days cannot be deleted")
		assert.Equal(t, "Glacier vault "+appVault+" is wired", form.Get("Subject"))
	}

	// Everything is as wanted (Glacier may hand the policy back in another
	// key order): only reads, no message.
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(w.policy), &doc))
	reordered, _ := json.MarshalIndent(doc, "", "  ")
	w.vaultExists(w.wired(), tags, string(reordered))
	changed, glacier, sns = w.tick(t)
	assert.Empty(t, changed, "already configured")
	checkRequests(t, "already configured", reads, glacier)
	assert.Empty(t, sns, "already configured: no message")

	// Glacier may hand the policy back in another form: "*" as
	// {"AWS": "*"}, a one-item list, a number for the day count. That is
	// no change, and no message every hour.
	var variant map[string]any
	require.NoError(t, json.Unmarshal([]byte(w.policy), &variant))
	stmt := variant["Statement"].([]any)[0].(map[string]any)
	stmt["Principal"] = map[string]any{"AWS": "*"}
	stmt["Action"] = []any{stmt["Action"]}
	stmt["Condition"] = map[string]any{"NumericLessThan": map[string]any{"glacier:ArchiveAgeInDays": 90}}
	rewritten, _ := json.Marshal(variant)
	w.vaultExists(w.wired(), tags, string(rewritten))
	changed, glacier, sns = w.tick(t)
	assert.Empty(t, changed, "policy in another form")
	checkRequests(t, "policy in another form", reads, glacier)
	assert.Empty(t, sns, "policy in another form: no message")

	// Someone removed the notifications by hand: they are put back, and
	// the owner hears of it.
	w.vaultExists(nil, tags, w.policy)
	changed, glacier, sns = w.tick(t)
	assert.Equal(t, []string{"notifications"}, changed, "removed by hand")
	checkRequests(t, "removed by hand", []call{
		reads[0], reads[1], want(st, appVault, "Custom::GlacierVaultNotifications", "Create", first)[0], reads[2], reads[3],
	}, glacier)
	assert.Len(t, sns, 1, "removed by hand: one message")
}

// With protection turned off, the watcher removes the protection policy it
// set earlier, and leaves a policy of the owner's own alone.
func TestTheWatcherRemovesItsOwnProtectionOnceItIsTurnedOff(t *testing.T) {
	skipInShort(t)
	w := newWatcher(t, plainVault)
	require.Empty(t, w.policy, "Plain-Vault has no protection")
	ours := protection(plainVault, 90)
	oursJSON, _ := json.Marshal(ours)
	tags := map[string]any{}
	maps.Copy(tags, w.tags)
	w.vaultNamedExists(plainVault, w.wired(), tags, string(oursJSON))
	changed, glacier, sns := w.tick(t)
	assert.Equal(t, []string{"protection removed"}, changed)
	p := pathOf(plainVault)
	checkRequests(t, "protection turned off", []call{
		{method: "GET", path: p}, {method: "GET", path: p + "/notification-configuration"}, {method: "GET", path: p + "/tags"},
		{method: "GET", path: p + "/access-policy"}, {method: "DELETE", path: p + "/access-policy"},
	}, glacier)
	if assert.Len(t, sns, 1) {
		form, err := url.ParseQuery(string(sns[0].Body))
		require.NoError(t, err)
		assert.Contains(t, form.Get("Message"), "its archives are not protected from deletion")
	}

	owners := `{"Version":"2012-10-17","Statement":[{"Sid":"OwnersRule","Effect":"Deny","Principal":"*","Action":"glacier:DeleteVault","Resource":"*"}]}`
	w.vaultNamedExists(plainVault, w.wired(), tags, owners)
	changed, glacier, sns = w.tick(t)
	assert.Empty(t, changed, "an owner's own policy stays")
	assert.Len(t, glacier, 4, "only reads")
	assert.Empty(t, sns)
}

// tickFails plays one run that must fail, as Lambda counts a handler that
// throws (the error alarm's metric), and returns the error and what was
// sent.
func (w *watcher) tickFails(t *testing.T) (err error, glacier, sns []contract.Request) {
	t.Helper()
	_, err = w.handler.Call(map[string]any{"version": "0", "id": "schedule-run", "detail-type": "Scheduled Event", "source": "aws.events", "detail": map[string]any{}})
	require.Error(t, err, "the run must fail, so that the alarm hears it")
	return err, w.glacier.Take(), w.sns.Take()
}

// TestAWatcherThatCannotPublishFailsAndSendsTheMessageNextRun: the
// watcher wires a new vault but SNS refuses the message. The run fails
// (the error alarm hears it) and the message waits in a vault tag; the
// next run sends it, with what was applied, and removes the tag.
func TestAWatcherThatCannotPublishFailsAndSendsTheMessageNextRun(t *testing.T) {
	skipInShort(t)
	w := newWatcher(t, appVault)
	w.vaultExists(nil, map[string]any{}, "")
	w.sns.Fail("POST", "/", 403, "AuthorizationError", "User is not authorized to perform: SNS:Publish")
	_, glacier, sns := w.tickFails(t)
	assert.Len(t, sns, 1, "the watcher tried to tell the owner")
	last := glacier[len(glacier)-1]
	assert.Equal(t, "POST "+vaultPath+"/tags add", last.Method+" "+last.Path+" "+last.Query.Get("operation"), "the message waits in a tag")
	body, err := last.JSON()
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"Tags": map[string]any{"qnap-glacier:unsent": "notifications/tags/protection"}}, body)

	// The next run: the vault is wired (and holds the tag); SNS works again.
	w.sns.Heal()
	tags := map[string]any{"qnap-glacier:unsent": "notifications/tags/protection"}
	maps.Copy(tags, w.tags)
	w.vaultExists(w.wired(), tags, w.policy)
	changed, glacier, sns := w.tick(t)
	assert.Equal(t, []string{"notifications", "tags", "protection"}, changed, "what the failed run applied is reported now")
	if assert.Len(t, sns, 1, "the message is sent on the next run") {
		form, err := url.ParseQuery(string(sns[0].Body))
		require.NoError(t, err)
		assert.Contains(t, form.Get("Message"), "qnap-glacier applied: notifications, tags, protection.")
	}
	checkRequests(t, "re-sent", append(slices.Clone(reads), call{
		method: "POST", path: vaultPath + "/tags", operation: "remove", body: map[string]any{"TagKeys": []any{"qnap-glacier:unsent"}},
	}), glacier)

	// Sent: the run after is quiet again.
	w.vaultExists(w.wired(), w.tags, w.policy)
	changed, _, sns = w.tick(t)
	assert.Empty(t, changed)
	assert.Empty(t, sns)
}

// TestAWatcherFailsOnGlacierErrorsInsteadOfSwallowingThem: a Glacier
// error while wiring, and an account Glacier no longer serves (once a
// quiet "nothing to do"), fail the run, so that the alarm hears them; no
// message claims a change that was not made.
func TestAWatcherFailsOnGlacierErrorsInsteadOfSwallowingThem(t *testing.T) {
	skipInShort(t)
	w := newWatcher(t, appVault)
	w.vaultExists(nil, map[string]any{}, "")
	w.glacier.Fail("PUT", vaultPath+"/notification-configuration", 400, "InvalidParameterValueException", "Invalid SNS topic")
	err, glacier, sns := w.tickFails(t)
	assert.Contains(t, err.Error(), "Invalid SNS topic")
	assert.Len(t, glacier, 3, "it stopped at the failed call")
	assert.Empty(t, sns, "no message for a change that was not made")

	w.glacier.Heal()
	w.glacier.FailAll(400, "NoLongerSupportedException", noLongerSupported)
	err, glacier, sns = w.tickFails(t)
	assert.Contains(t, err.Error(), "no longer supported")
	assert.Len(t, glacier, 1)
	assert.Empty(t, sns)
}
