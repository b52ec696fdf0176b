// Package cdktest holds what the project's CDK tests share: assertions that
// fail a test instead of panicking, and templates synthesized once per
// fixture and shared by every test that reads them.
package cdktest

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// Assert runs a CDK assertion. The Go assertions panic on a mismatch; Assert
// turns the panic into a test error carrying the CDK's message, so the test
// goes on and the other tests still run. It reports whether f passed.
func Assert(t testing.TB, what string, f func()) (ok bool) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: %v", what, r)
			ok = false
		}
	}()
	f()
	return true
}

// NewApp is an app for tests: no built-in CloudFormation validation (one
// dedicated test keeps it on), and the given context on top of cdk.json's
// feature flags when flags is given.
func NewApp(flags map[string]any, context map[string]any) awscdk.App {
	ctx := map[string]any{}
	for k, v := range flags {
		ctx[k] = v
	}
	for k, v := range context {
		ctx[k] = v
	}
	return awscdk.NewApp(&awscdk.AppProps{
		Context:                         &ctx,
		BuiltinCloudFormationValidation: jsii.Bool(false),
		AnalyticsReporting:              jsii.Bool(false),
	})
}

// Fixtures synthesizes each named fixture once and hands its template to
// every test that asks. CDK calls share one jsii kernel that is not safe for
// concurrent use, so Fixtures serializes them.
type Fixtures struct {
	mu    sync.Mutex
	built map[string]fixture
	synth int

	tmpMu sync.Mutex // guards tmp alone: fixtures make directories while mu is held
	tmp   string
}

type fixture struct {
	template  assertions.Template
	templates map[string]assertions.Template
	dir       string
	err       error
}

// get returns the named fixture, building it once; it fails the test when
// the build panicked.
func (f *Fixtures) get(t testing.TB, name string, build func() fixture) fixture {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	fx, ok := f.built[name]
	if !ok {
		fx = func() (fx fixture) {
			defer func() {
				if r := recover(); r != nil {
					fx = fixture{err: fmt.Errorf("%v", r)}
				}
			}()
			fx = build()
			f.synth++
			return fx
		}()
		if f.built == nil {
			f.built = map[string]fixture{}
		}
		f.built[name] = fx
	}
	if fx.err != nil {
		t.Fatalf("fixture %q: %v", name, fx.err)
	}
	return fx
}

// Template returns the named fixture's template, building its stack with
// build the first time. A build that panics fails every test that asks for
// that fixture, with the panic's message.
func (f *Fixtures) Template(t testing.TB, name string, build func() awscdk.Stack) assertions.Template {
	t.Helper()
	return f.get(t, name, func() fixture {
		return fixture{template: assertions.Template_FromStack(build(), nil)}
	}).template
}

// App returns the templates of every stack of the named app fixture, by
// stack name, building and synthesizing the app once the first time.
func (f *Fixtures) App(t testing.TB, name string, build func() awscdk.App) map[string]assertions.Template {
	t.Helper()
	return f.get(t, name, func() fixture {
		templates := map[string]assertions.Template{}
		for _, st := range *build().Synth(nil).Stacks() {
			tpl := st.Template().(map[string]any)
			templates[*st.StackName()] = assertions.Template_FromJSON(&tpl, nil)
		}
		return fixture{templates: templates}
	}).templates
}

// Assembly synthesizes the named app fixture once into a directory of its
// own and returns that cloud assembly directory (templates, asset
// manifests, assets), for tests that read more than templates. build gets
// the directory to pass as the app's Outdir. The directory lives until
// the package's tests end.
func (f *Fixtures) Assembly(t testing.TB, name string, build func(outdir string) awscdk.App) string {
	t.Helper()
	return f.get(t, name, func() fixture {
		return fixture{dir: *build(f.TempDir(t)).Synth(nil).Directory()}
	}).dir
}

// TempDir is a new directory that, unlike t.TempDir, outlives the test
// that asks for it: fixtures shared between tests are written there. Main
// removes it.
func (f *Fixtures) TempDir(t testing.TB) string {
	t.Helper()
	f.tmpMu.Lock()
	defer f.tmpMu.Unlock()
	if f.tmp == "" {
		dir, err := os.MkdirTemp("", "cdktest-")
		if err != nil {
			t.Fatal(err)
		}
		f.tmp = dir
	}
	dir, err := os.MkdirTemp(f.tmp, "fixture-")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// Synths is how many templates were synthesized.
func (f *Fixtures) Synths() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.synth
}

// Main runs a package's tests around the one jsii kernel they share: it
// quiets jsii's Node 20 end-of-life banner (Node 20 works; the README tells
// users to run 22 or 24), runs the tests, prints how many templates they
// synthesized (go test -v ./... | grep synths) and stops the kernel.
//
// The kernel starts while the CDK's Go packages register their types, at
// package initialization: before TestMain runs, so it would not see what
// TestMain puts in the environment (this banner setting, or
// CDK_VALIDATION=false). Main stops that kernel, still idle, before the
// tests run; their first CDK call starts a new one with the environment
// TestMain set (the type registrations are the Go runtime's, and stay).
func Main(m *testing.M, f *Fixtures, pkg string) {
	if os.Getenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION") == "" {
		os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
	}
	jsii.Close()
	code := m.Run()
	fmt.Printf("%s: %d synths\n", pkg, f.Synths())
	jsii.Close()
	if f.tmp != "" {
		os.RemoveAll(f.tmp)
	}
	os.Exit(code)
}

// Resources returns the template's resources of type typ, by logical ID.
func Resources(tpl assertions.Template, typ string) map[string]map[string]any {
	found := tpl.FindResources(jsii.String(typ), nil)
	out := map[string]map[string]any{}
	for id, r := range *found {
		out[id] = *r
	}
	return out
}

// Only returns the one resource of type typ, failing the test when there is
// not exactly one.
func Only(t testing.TB, tpl assertions.Template, typ string) (string, map[string]any) {
	t.Helper()
	rs := Resources(tpl, typ)
	if len(rs) != 1 {
		ids := make([]string, 0, len(rs))
		for id := range rs {
			ids = append(ids, id)
		}
		t.Fatalf("want exactly one %s, found %d: %s", typ, len(rs), strings.Join(ids, ", "))
	}
	for id, r := range rs {
		return id, r
	}
	panic("unreachable")
}

// Props returns a resource's Properties.
func Props(r map[string]any) map[string]any {
	p, _ := r["Properties"].(map[string]any)
	return p
}

// CdkJSONContext reads the "context" of a cdk.json file: the feature flags
// and settings the app runs with under the CDK CLI.
func CdkJSONContext(t testing.TB, path string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	var doc struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return doc.Context
}

// Flatten renders a CloudFormation string value as text: an Fn::Join is
// joined, and each Ref or Fn::GetAtt becomes "${LogicalId}" or
// "${LogicalId.Attribute}". It lets a test read a JSON document that the
// CDK built around tokens (an AwsCustomResource's SDK call, a policy in a
// string).
func Flatten(t testing.TB, v any) string {
	t.Helper()
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if ref, ok := x["Ref"].(string); ok {
			return "${" + ref + "}"
		}
		if att, ok := x["Fn::GetAtt"].([]any); ok && len(att) == 2 {
			return fmt.Sprintf("${%v.%v}", att[0], att[1])
		}
		if join, ok := x["Fn::Join"].([]any); ok && len(join) == 2 {
			sep, _ := join[0].(string)
			parts, _ := join[1].([]any)
			out := make([]string, len(parts))
			for i, p := range parts {
				out[i] = Flatten(t, p)
			}
			return strings.Join(out, sep)
		}
	}
	t.Fatalf("cannot flatten %v", v)
	return ""
}

// SdkCall decodes one of an AwsCustomResource's calls ("Create", "Update"
// or "Delete") from its properties, or returns nil when it has none.
func SdkCall(t testing.TB, resource map[string]any, which string) map[string]any {
	t.Helper()
	raw, ok := Props(resource)[which]
	if !ok {
		return nil
	}
	var call map[string]any
	if err := json.Unmarshal([]byte(Flatten(t, raw)), &call); err != nil {
		t.Fatalf("%s call is not JSON: %v", which, err)
	}
	return call
}

// CountSynth records a synth made outside the fixtures (a test that needs
// its own app), so the suite's count stays complete.
func (f *Fixtures) CountSynth() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.synth++
}
