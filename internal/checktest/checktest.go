// Package checktest deploys a synthesized stack onto local fakes for the
// tests of the post-deploy check (cmd/check, and the README's walkthrough
// tests that run it): awsfake for CloudFormation, Secrets Manager, SNS, STS
// and Glacier, and s3sim for a bucket, with an environment that points the
// AWS SDK's standard configuration at them and at nothing else.
package checktest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/qnap-glacier/qnap-glacier/internal/awsfake"
	"github.com/qnap-glacier/qnap-glacier/internal/check"
	"github.com/qnap-glacier/qnap-glacier/internal/s3sim"
)

// The account and region every world is deployed in.
const (
	Account = "111122223333"
	Region  = "eu-west-1"
)

// World is an app deployed on local fakes.
type World struct {
	Fake *awsfake.Fake
	// S3 serves the bucket of a bucket stack; nil for a vault stack.
	S3 *s3sim.Server
	// Dir is the project directory, holding cdk.json.
	Dir      string
	Deployed *awsfake.Deployed
	Template []byte
	// ExtraEnv overrides the environment Env sets.
	ExtraEnv map[string]string
}

// New deploys template as the stack of the app's only vault or bucket
// that context (cdk.json's) describes, unless deploy is false, and writes
// cdk.json with that context into a new project directory. For a bucket,
// s3sim serves the bucket as the template configures it, after edit (nil
// for none) changes its options to seed a fault; the administrator
// (awsfake.Admin) may do anything with it.
func New(t testing.TB, template []byte, context map[string]any, deploy bool, edit func(*s3sim.Options)) *World {
	t.Helper()
	w := &World{Fake: awsfake.Start(Account), Dir: t.TempDir(), Template: template}
	t.Cleanup(w.Fake.Close)
	raw, err := json.Marshal(map[string]any{"app": "go run .", "context": context})
	must(t, err)
	must(t, os.WriteFile(filepath.Join(w.Dir, "cdk.json"), raw, 0o644))
	targets, err := check.Targets(context)
	must(t, err)
	if len(targets) != 1 {
		t.Fatalf("checktest: the context describes %d vaults and buckets, want 1", len(targets))
	}
	if deploy {
		w.Deployed, err = w.Fake.Deploy(template, targets[0].Stack, Region)
		must(t, err)
	}
	if targets[0].Kind == "bucket" {
		tt, err := s3sim.FromTemplate(template, Account, Region)
		must(t, err)
		key, secret := "AKIANOTDEPLOYED00000", "none"
		if w.Deployed != nil {
			key, secret = w.Deployed.AccessKeyID, w.Deployed.SecretAccessKey
		}
		opts := tt.Options(key, secret)
		opts.Users = append(opts.Users, s3sim.User{AccessKeyID: awsfake.Admin, SecretAccessKey: awsfake.AdminSecret,
			Arn:      "arn:aws:iam::" + Account + ":user/admin",
			Policies: []json.RawMessage{json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)}})
		if edit != nil {
			edit(&opts)
		}
		w.S3 = s3sim.Start(t, opts)
	}
	return w
}

// Env points the SDK's standard configuration at the fakes, with the
// administrator's credentials, and nowhere else: no profile files, no
// instance metadata, and a dead proxy for anything not on 127.0.0.1 (Go
// never proxies 127.0.0.1).
func (w *World) Env(t testing.TB) {
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           awsfake.Admin,
		"AWS_SECRET_ACCESS_KEY":       awsfake.AdminSecret,
		"AWS_SESSION_TOKEN":           "",
		"AWS_REGION":                  Region,
		"AWS_DEFAULT_REGION":          "",
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             filepath.Join(w.Dir, "no-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(w.Dir, "no-aws-credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_ENDPOINT_URL":            w.Fake.URL,
		"HTTPS_PROXY":                 "http://127.0.0.1:1",
		"HTTP_PROXY":                  "http://127.0.0.1:1",
		"NO_PROXY":                    "",
	} {
		t.Setenv(k, v)
	}
	if w.S3 != nil {
		t.Setenv("AWS_ENDPOINT_URL_S3", w.S3.URL)
		t.Setenv("AWS_CA_BUNDLE", w.S3.CACertFile)
	}
	for k, v := range w.ExtraEnv {
		t.Setenv(k, v)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
