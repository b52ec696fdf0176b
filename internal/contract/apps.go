package contract

import (
	"encoding/json"
	"fmt"
	"path/filepath"
)

// The vaults of the app whose deploy contract the tests play, one per
// mode: app mode with protection and without it, existing and stack mode.
const (
	AppVault      = "App-Vault"
	PlainVault    = "Plain-Vault"
	ExistingVault = "Existing-Vault"
	StackVault    = "Stack-Vault"
)

// Deployment is one deployment of that app: the first deploy, and an
// update that changes the vault tags and the protection period (and,
// through the Generation of made-up physical IDs, the topic ARN).
type Deployment struct {
	Generation string
	Tags       map[string]any
	Days       int
}

// Deployments are the first deploy and the update.
var Deployments = []Deployment{
	{"gen1", map[string]any{"owner": "me"}, 90},
	{"gen2", map[string]any{"owner": "you", "site": "home"}, 180},
}

// Context is the app's CDK context for d, over cdk.json's.
func (d Deployment) Context() map[string]any {
	tags, _ := json.Marshal(d.Tags)
	return map[string]any{
		"vaults":              AppVault + "," + PlainVault + "," + ExistingVault + "," + StackVault,
		"vaultMode":           fmt.Sprintf(`{%q:"existing",%q:"stack"}`, ExistingVault, StackVault),
		"vaultTags":           string(tags),
		"protectArchivesDays": fmt.Sprintf(`{%q:%d,%q:%d,%q:%d}`, AppVault, d.Days, ExistingVault, d.Days, StackVault, d.Days),
		"notifyEmails":        "owner@example.com",
	}
}

// AssemblyDir holds what "cdk synth" writes for d (no profile:
// environment-agnostic) that the tests read: each stack's template and
// asset manifest, and the assets, relative to this package's folder. The
// tests read it instead of synthesizing the app again, so that they
// compile and start no CDK; the app's own tests hold it equal to what the
// app synthesizes (TestContractAssembliesAreTheAppsOwn, which rewrites it
// with -update).
func (d Deployment) AssemblyDir() string {
	return filepath.Join("testdata", d.Generation)
}
