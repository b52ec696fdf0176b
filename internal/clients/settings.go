package clients

import "path/filepath"

// Target is the bucket target of docs/clients.md's examples.
const Target = "family-photos"

// Setting is one set of settings of the bucket target that the client
// tests run the clients with.
type Setting struct {
	// Name names the setting in test names.
	Name string
	// Settings are the target's own object in "buckets".
	Settings map[string]any
	// file is the base name of its template file.
	file string
}

// Settings are the bucket settings the clients are tested with: the
// defaults, and archive protection on.
var Settings = []Setting{
	{"default", map[string]any{}, "default"},
	{"protectArchivesDays=90", map[string]any{"protectArchivesDays": 90}, "protect-90"},
}

// Context is the app's CDK context for s, over cdk.json's: one bucket
// target, Target, with s's settings.
func (s Setting) Context() map[string]any {
	return map[string]any{"buckets": map[string]any{Target: s.Settings}}
}

// TemplateFile is the template of the stack "cdk synth" writes for s (no
// profile: environment-agnostic), relative to this package's folder. The
// client tests read it instead of synthesizing the app again, so that they
// compile and start no CDK; the app's own tests hold it equal to what the
// app synthesizes (TestClientTemplatesAreTheAppsOwn, which rewrites it
// with -update).
func (s Setting) TemplateFile() string {
	return filepath.Join("testdata", s.file+".template.json")
}
