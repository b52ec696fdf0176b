package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every shell command in README.md and docs/ is exercised by a test: run
// as written where it can run here (the check against fakes, rclone and
// restic against a local S3, the AWS CLI against a local endpoint, the
// library's set-up in a new module), and otherwise checked against what it
// acts on (the CDK CLI's own help for its flags, the walkthrough's stacks
// for the stack names). TestEveryDocCommandIsExercised fails for a command
// no rule covers.

// docCommand is one command line of a sh block in the docs.
type docCommand struct {
	page    string // README.md or docs/x.md
	marker  string // the <!-- ... --> comment right before the block, if any
	line    string // the command, continuation lines joined, comment cut
	comment string // what the docs say it does
}

// docCommands returns every command of every sh block in the docs.
func docCommands(t *testing.T) []docCommand {
	t.Helper()
	var out []docCommand
	for _, page := range docPages(t) {
		var (
			inBlock bool
			marker  string
			prev    string
			pending string
		)
		for _, raw := range strings.Split(doc(t, page), "\n") {
			line := strings.TrimSpace(raw)
			switch {
			case !inBlock && (line == "```sh" || line == "```bash"):
				inBlock = true
				marker = ""
				if strings.HasPrefix(prev, "<!--") {
					marker = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(prev, "<!--"), "-->"))
				}
			case inBlock && line == "```":
				inBlock = false
			case inBlock && line != "":
				if strings.HasSuffix(line, "\\") {
					pending += strings.TrimSuffix(line, "\\")
					continue
				}
				line = pending + line
				pending = ""
				cmd, comment, _ := strings.Cut(line, " #")
				out = append(out, docCommand{page: page, marker: marker, line: strings.Join(strings.Fields(cmd), " "), comment: strings.TrimSpace(comment)})
			}
			if line != "" {
				prev = line
			}
		}
	}
	return out
}

// testSources returns the text of every test file in the module.
var testSources = sync.OnceValue(func() string {
	var b strings.Builder
	_ = filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || (d.IsDir() && path != "." && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), "."))) {
			return filepath.SkipDir
		}
		if strings.HasSuffix(path, "_test.go") {
			raw, _ := os.ReadFile(path)
			b.Write(raw)
		}
		return nil
	})
	return b.String()
})

// markerRead reports whether a test reads the block after a marker: the
// marker in full, or one of the form "<!-- kind: name -->" that a test
// finds by its kind and names.
func markerRead(marker string) bool {
	src := testSources()
	if strings.Contains(src, `"`+marker+`"`) || strings.Contains(src, "<!-- "+marker+" -->") {
		return true
	}
	kind, name, ok := strings.Cut(marker, ": ")
	return ok && strings.Contains(src, "<!-- "+kind+": ") && strings.Contains(src, `"`+name+`"`)
}

// exercisedBy says which test exercises a command, or "" when no rule
// covers it.
func exercisedBy(t *testing.T, c docCommand) string {
	ci, err := os.ReadFile(".ci/run")
	require.NoError(t, err)
	fields := strings.Fields(c.line)
	switch {
	case c.marker != "" && markerRead(c.marker):
		// A test reads this block by its marker and runs it.
		return "the test that reads <!-- " + c.marker + " -->"
	case c.page == "docs/check.md" && strings.Contains(testSources(), `"check.md"`):
		return "cmd/check TestDocsCommandsRun"
	case strings.Contains(string(ci), c.line):
		return ".ci/run"
	case c.line == "go run ./cmd/check":
		return "readme_check_test.go (the walkthroughs' check step, the same command)"
	case fields[0] == "npx" && fields[1] == "cdk":
		return "TestCDKCommandsInTheDocsAreTheCLIs"
	case fields[0] == "aws" || (fields[0] == "export" && strings.HasPrefix(fields[1], "AWS_")):
		return "TestAWSCommandsInTheDocsCallWhatTheySay"
	case strings.HasPrefix(c.line, "go test -v ./... | grep synths"):
		return "TestSynthCountsArePrinted"
	case strings.HasPrefix(c.line, "go test -run '^$' -bench "):
		return "TestBenchmarksInTheDocsExist"
	case strings.Contains(c.line, "bench/"):
		return "TestBenchScriptsInTheDocsParse"
	}
	return ""
}

func TestEveryDocCommandIsExercised(t *testing.T) {
	cmds := docCommands(t)
	require.Greater(t, len(cmds), 20)
	for _, c := range cmds {
		assert.NotEmpty(t, exercisedBy(t, c), "%s: no test exercises %q", c.page, c.line)
	}
}

// TestCDKCommandsInTheDocsAreTheCLIs checks each `npx cdk` command against
// the pinned CLI's own command and option registry (the registry its
// argument parser is generated from, which it ships as
// lib/cli/cli-type-registry.json): the subcommand (or its alias) and every
// flag exist, exactly. It also checks each stack a command names, or says it
// prints, against the stacks that the page's cdk.json edit builds. Reading
// the registry costs no start of the CLI (six `--help` runs took 9.5 s of
// CPU); .ci/run runs the real CLI's synth and ls.
func TestCDKCommandsInTheDocsAreTheCLIs(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("node_modules", "aws-cdk", "lib", "cli", "cli-type-registry.json"))
	require.NoError(t, err, "the pinned CLI's command registry: run `npm ci` in the repository root")
	var registry struct {
		GlobalOptions map[string]cliOption `json:"globalOptions"`
		Commands      map[string]struct {
			Aliases []string             `json:"aliases"`
			Options map[string]cliOption `json:"options"`
		} `json:"commands"`
	}
	require.NoError(t, json.Unmarshal(raw, &registry))
	require.Contains(t, registry.Commands, "deploy", "the registry lists the CLI's commands")
	// command returns the options of the subcommand called sub, by name or
	// alias ("ls" is "list").
	command := func(sub string) (map[string]cliOption, bool) {
		for name, c := range registry.Commands {
			if name == sub || slices.Contains(c.Aliases, sub) {
				return c.Options, true
			}
		}
		return nil, false
	}
	// hasFlag reports whether flag ("--all", "-c", "--no-notices",
	// "--context=x") is an option of the subcommand or a global one.
	hasFlag := func(options map[string]cliOption, flag string) bool {
		name, _, _ := strings.Cut(strings.TrimLeft(flag, "-"), "=")
		names := []string{name}
		if base, ok := strings.CutPrefix(name, "no-"); ok && strings.HasPrefix(flag, "--") {
			names = append(names, base) // yargs's negation of a boolean
		}
		for _, set := range []map[string]cliOption{options, registry.GlobalOptions} {
			for key, o := range set {
				for _, n := range names {
					if key == n || slices.Contains(o.aliases(), n) {
						return true
					}
				}
			}
		}
		return false
	}
	// The stacks each page's settings build, as the walkthrough tests
	// (readme_test.go, readme_bucket_test.go, docs_test.go) check them.
	stacksOf := map[string][]string{
		"docs/vault.md":  {walkthroughStack},
		"docs/bucket.md": {"QnapGlacier-family-photos"},
		"README.md":      {"QnapGlacier-family-photos", walkthroughStack},
	}
	for _, c := range docCommands(t) {
		f := strings.Fields(c.line)
		if len(f) < 3 || f[0] != "npx" || f[1] != "cdk" {
			continue
		}
		sub := f[2]
		options, ok := command(sub)
		if !assert.True(t, ok, "%s: the CLI has no command %q", c.page, sub) {
			continue
		}
		for _, arg := range f[3:] {
			if strings.HasPrefix(arg, "-") {
				assert.True(t, hasFlag(options, arg), "%s: cdk %s has no flag %s", c.page, sub, arg)
			} else {
				assert.Contains(t, stacksOf[c.page], arg, "%s: %q names a stack the page's settings do not build", c.page, c.line)
			}
		}
		if sub == "ls" {
			for _, s := range regexp.MustCompile(`QnapGlacier-[A-Za-z0-9-]+`).FindAllString(c.comment, -1) {
				assert.Contains(t, stacksOf[c.page], s, "%s: cdk ls would not print %s", c.page, s)
			}
		}
	}
}

// cliOption is one option in the CDK CLI's registry; its alias is a
// string or a list.
type cliOption struct {
	Alias any `json:"alias"`
}

func (o cliOption) aliases() []string {
	switch a := o.Alias.(type) {
	case string:
		return []string{a}
	case []any:
		var out []string
		for _, x := range a {
			out = append(out, fmt.Sprint(x))
		}
		return out
	}
	return nil
}

// awsCall is one request the AWS CLI sent to the local endpoint.
type awsCall struct {
	method, path, target, body string
}

// TestAWSCommandsInTheDocsCallWhatTheySay runs every `aws` command of the
// docs, as written, with the AWS CLI against a local endpoint, and checks
// the API call it makes (or, for `aws configure`, the profile it writes)
// and what it prints where the docs say.
func TestAWSCommandsInTheDocsCallWhatTheySay(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs the AWS CLI; go test ./... runs it")
	}
	t.Parallel() // no CDK call in this process: it runs other programs
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI is not installed: apt-get install awscli (or AWS's installer) to run the docs' aws commands against a local endpoint")
	}
	const secret = `{"accessKeyId":"AKIAIOSFODNN7EXAMPLE","secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}`
	var (
		mu    sync.Mutex
		calls []awsCall
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		calls = append(calls, awsCall{r.Method, r.URL.Path, r.Header.Get("X-Amz-Target"), string(body)})
		mu.Unlock()
		switch {
		case strings.Contains(string(body), "Action=GetCallerIdentity"):
			w.Header().Set("Content-Type", "text/xml")
			io.WriteString(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::111122223333:user/admin</Arn><UserId>AIDAEXAMPLE</UserId><Account>111122223333</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
		case r.Header.Get("X-Amz-Target") == "secretsmanager.GetSecretValue":
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			json.NewEncoder(w).Encode(map[string]any{"ARN": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:x", "Name": "x", "SecretString": secret})
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/jobs"):
			w.Header().Set("x-amz-job-id", "job-1")
			w.WriteHeader(http.StatusAccepted)
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		default:
			http.Error(w, "not expected here", http.StatusNotImplemented)
		}
	}))
	t.Cleanup(srv.Close)

	home := t.TempDir()
	// The docs' commands, run in order in one shell per page, as a reader
	// types them; `aws configure` answers its four prompts from stdin.
	byPage := map[string][]string{}
	var pages []string
	for _, c := range docCommands(t) {
		if exercisedBy(t, c) != "TestAWSCommandsInTheDocsCallWhatTheySay" {
			continue
		}
		if _, ok := byPage[c.page]; !ok {
			pages = append(pages, c.page)
		}
		byPage[c.page] = append(byPage[c.page], c.line)
	}
	require.Contains(t, pages, "README.md")
	require.Contains(t, pages, "docs/vault.md")
	outputs := map[string]string{}
	for _, page := range pages {
		script := "set -e\n" + strings.Join(byPage[page], "\n") + "\n"
		cmd := exec.Command("bash", "-c", script)
		cmd.Env = []string{"HOME=" + home, "AWS_ENDPOINT_URL=" + srv.URL, "AWS_PAGER="}
		for _, kv := range os.Environ() { // nothing of the tester's own AWS set-up
			if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "HOME=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		if page != "README.md" { // later pages run in the terminal the README set up
			cmd.Env = append(cmd.Env, "AWS_PROFILE=nas-admin", "AWS_REGION=eu-west-1")
		}
		cmd.Stdin = strings.NewReader("AKIAIOSFODNN7EXAMPLE\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\neu-west-1\njson\n")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s's aws commands:\n%s\n%s", page, script, out)
		outputs[page] = string(out)
	}

	config, err := os.ReadFile(filepath.Join(home, ".aws", "config"))
	require.NoError(t, err, "aws configure --profile nas-admin writes ~/.aws/config")
	assert.Contains(t, string(config), "[profile nas-admin]")
	assert.Contains(t, string(config), "region = eu-west-1")
	assert.Contains(t, outputs["README.md"], `"Account": "111122223333"`, "aws sts get-caller-identity prints the account number")
	assert.Contains(t, outputs["docs/vault.md"], secret, "the secret command prints the key pair as JSON")

	var got []string
	for _, c := range calls {
		switch {
		case c.target != "":
			got = append(got, c.target)
		case strings.Contains(c.body, "Action="):
			got = append(got, regexp.MustCompile(`Action=\w+`).FindString(c.body))
		default:
			got = append(got, c.method+" "+c.path+" "+strings.Join(strings.Fields(c.body), ""))
		}
	}
	for _, want := range []string{
		"Action=GetCallerIdentity",
		"secretsmanager.GetSecretValue",
		`POST /-/vaults/Family-Photos/jobs {"Type":"inventory-retrieval"}`,
		"DELETE /-/vaults/Family-Photos/notification-configuration ",
		"DELETE /-/vaults/Family-Photos/access-policy ",
	} {
		assert.True(t, slices.Contains(got, want), "the docs' aws commands call %s; they called %q", want, got)
	}
}

// TestSynthCountsArePrinted: docs/development.md pipes `go test -v` to
// grep for each package's synth count; the fixtures print it.
func TestSynthCountsArePrinted(t *testing.T) {
	raw, err := os.ReadFile("internal/cdktest/cdktest.go")
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"%s: %d synths\n"`)
}

// TestBenchmarksInTheDocsExist lists the benchmarks each documented
// `go test -bench` command would run: at least one.
func TestBenchmarksInTheDocsExist(t *testing.T) {
	t.Parallel() // no CDK call in this process: it runs other programs
	for _, c := range docCommands(t) {
		if exercisedBy(t, c) != "TestBenchmarksInTheDocsExist" {
			continue
		}
		f := strings.Fields(c.line)
		i := slices.Index(f, "-bench")
		require.Greater(t, i, 0)
		pkg := f[len(f)-1]
		// "go test -list" builds the package's test binary and runs it
		// with -test.list; for this package that binary is the one
		// running, so it is asked directly instead of linked again.
		cmd := exec.Command("go", "test", "-run", "^$", "-list", f[i+1], pkg)
		if pkg == "." {
			cmd = exec.Command(os.Args[0], "-test.run", "^$", "-test.list", f[i+1])
		}
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.Regexp(t, `(?m)^Benchmark`, string(out), "%s: %q runs no benchmark", c.page, c.line)
	}
}

// TestBenchScriptsInTheDocsParse checks each documented bench script:
// there, executable, valid bash, and reading every variable the command
// sets.
func TestBenchScriptsInTheDocsParse(t *testing.T) {
	n := 0
	for _, c := range docCommands(t) {
		if exercisedBy(t, c) != "TestBenchScriptsInTheDocsParse" {
			continue
		}
		n++
		var script string
		var vars []string
		for _, f := range strings.Fields(c.line) {
			if k, _, ok := strings.Cut(f, "="); ok && regexp.MustCompile(`^[A-Z_]+$`).MatchString(k) {
				vars = append(vars, k)
			} else if strings.HasPrefix(f, "bench/") {
				script = f
				break
			}
		}
		require.NotEmpty(t, script, "%s: %q", c.page, c.line)
		info, err := os.Stat(script)
		if !assert.NoError(t, err, "%s: %q", c.page, c.line) {
			continue
		}
		assert.NotZero(t, info.Mode()&0o111, "%s is executable", script)
		out, err := exec.Command("bash", "-n", script).CombinedOutput()
		assert.NoError(t, err, "bash -n %s: %s", script, out)
		body, _ := os.ReadFile(script)
		for _, v := range vars {
			assert.Contains(t, string(body), v, "%s reads %s", script, v)
		}
	}
	assert.Positive(t, n)
}

// TestLibraryPageComposesAModule follows docs/library.md in a new module
// beside a clone of this one: the set-up commands, the page's main.go and
// the build, as written, then runs the app it built and finds its template. Go
// works from the module cache and this module's go.sum; "go mod tidy" also
// wants the modules that the tests of the app's dependencies import, which
// "go test" never compiled, and fetches them from the module proxy the first
// time, as it would for a reader.
func TestLibraryPageComposesAModule(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds a new module; go test ./... runs it")
	}
	t.Parallel() // no CDK call in this process: it runs other programs
	page := doc(t, "docs/library.md")
	block := func(marker string) string {
		m := regexp.MustCompile("(?s)<!-- " + regexp.QuoteMeta(marker) + " -->\n```[a-z]*\n(.*?)```").FindStringSubmatch(page)
		require.NotNil(t, m, "docs/library.md has the block <!-- %s -->", marker)
		return m[1]
	}
	setUp, mainGo, build := block("library: set-up"), block("library: main.go"), block("library: build")

	root, err := os.Getwd()
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.Symlink(root, filepath.Join(dir, "qnap-glacier")))
	app := filepath.Join(dir, "nas-backup")
	require.NoError(t, os.Mkdir(app, 0o755))
	sum, err := os.ReadFile("go.sum")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(app, "go.sum"), sum, 0o644))

	run := func(script string, env ...string) string {
		t.Helper()
		cmd := exec.Command("bash", "-c", "set -e\n"+script)
		cmd.Dir = app
		cmd.Env = append(os.Environ(), append([]string{"GOFLAGS=-mod=mod", "GOWORK=off"}, env...)...)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s\n%s", script, out)
		return string(out)
	}
	run(setUp)
	require.NoError(t, os.WriteFile(filepath.Join(app, "main.go"), []byte(mainGo), 0o644))
	run(build)
	gomod, err := os.ReadFile(filepath.Join(app, "go.mod"))
	require.NoError(t, err)
	assert.Contains(t, string(gomod), "github.com/aws/aws-cdk-go/awscdk/v2 ", "go mod tidy required aws-cdk-go")

	// Run the binary that the page's "go build ./..." wrote ("go run ."
	// would link it again). Without the app's feature flags the built-in
	// CloudFormation validator only warns, and nothing here reads its
	// warnings, so it is off (the app's validator test runs it strictly).
	bin := filepath.Join(app, "nas-backup")
	_, err = os.Stat(bin)
	require.NoError(t, err, "the page's go build ./... writes the app's binary")
	out := t.TempDir()
	run(bin, "CDK_OUTDIR="+out, "CDK_VALIDATION=false", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20")
	tpl, err := os.ReadFile(filepath.Join(out, "MyNasBackup.template.json"))
	require.NoError(t, err, "the page's app synthesizes its stack")
	assert.Contains(t, string(tpl), `"AWS::IAM::User"`)
}
