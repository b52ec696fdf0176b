// Command check proves, after "cdk deploy", that each backup user's key
// works on AWS as the NAS will use it: run it from the project directory
// with the credentials you deploy with,
//
//	go run ./cmd/check
//
// It prints one line per check (ok, FAIL or waiting), each FAIL with its
// fix, and exits 0 only when nothing failed (1: a check failed; 2: it could
// not run). --json prints the same for scripts. See docs/check.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/qnap-glacier/qnap-glacier/internal/check"
)

type contextFlags []string

func (c *contextFlags) String() string     { return strings.Join(*c, ",") }
func (c *contextFlags) Set(v string) error { *c = append(*c, v); return nil }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) (code int) {
	// Whatever goes wrong ends in one line, never a stack trace.
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "check: internal error: %v; please report it\n", r)
			code = 2
		}
	}()
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	dir := fs.String("dir", ".", "the project directory, holding cdk.json")
	profile := fs.String("profile", "", "the AWS profile to use (default: AWS_PROFILE, else the default chain)")
	region := fs.String("region", "", "the region the stacks are deployed in (default: AWS_REGION or the profile's)")
	only := fs.String("stack", "", "check only this stack (default: every stack of the app)")
	var ctxFlags contextFlags
	fs.Var(&ctxFlags, "context", "key=value: a setting, as cdk -c gives it (repeatable)")
	fs.Var(&ctxFlags, "c", "short for --context")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fatal := func(msg string) int {
		if *asJSON {
			check.Print(stdout, &check.Report{Error: msg, Results: []check.Result{}}, true)
		}
		fmt.Fprintln(stderr, "check: "+msg)
		return 2
	}

	ctx, err := check.LoadContext(*dir, ctxFlags)
	if err != nil {
		return fatal(err.Error())
	}
	targets, err := check.Targets(ctx)
	if err != nil {
		return fatal("bad settings: " + err.Error() + "; run cdk synth to see every problem")
	}
	if *only != "" {
		var kept []check.Target
		var names []string
		for _, t := range targets {
			names = append(names, t.Stack)
			if t.Stack == *only {
				kept = append(kept, t)
			}
		}
		if len(kept) == 0 {
			return fatal(fmt.Sprintf("--stack %q is not one of the app's stacks (%s)", *only, strings.Join(names, ", ")))
		}
		targets = kept
	}

	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(check.Retryer),
		// A buildable client, so that AWS_CA_BUNDLE still works.
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(30 * time.Second)),
	}
	if *profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(*profile))
	}
	if *region != "" {
		opts = append(opts, config.WithRegion(*region))
	}
	base := context.Background()
	cfg, err := config.LoadDefaultConfig(base, opts...)
	if err != nil {
		// Such as a profile that does not exist.
		return fatal("cannot load your AWS configuration: " + oneLine(err) + "; check AWS_PROFILE and ~/.aws/config")
	}
	checker := &check.Checker{Config: cfg}
	rep, err := checker.Run(base, targets)
	var fe *check.FatalError
	if errors.As(err, &fe) {
		return fatal(fe.Msg)
	}
	check.Print(stdout, rep, *asJSON)
	if check.Failed(rep.Results) {
		return 1
	}
	return 0
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
