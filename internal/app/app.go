// Package app builds the qnap-glacier CDK app from its settings: one stack
// per vault and one per bucket, and one for the cost budget when it is set. The command (qnap-glacier.go) synthesizes what it builds; the
// tests, including the deploy-contract test, build the very same app.
package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/config"
	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// New reads the settings from the app's context and adds one stack per
// vault and one per bucket, without synthesizing. getenv supplies the CDK CLI's environment
// (CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION, and HOME for ~/.cdk.json).
// A setting put where the CLI does not pass it on (the top level of
// cdk.json in the working directory, or of ~/.cdk.json) is refused.
func New(props *awscdk.AppProps, getenv func(string) string) (awscdk.App, error) {
	misplaced := misplacedSettings(getenv)
	app := awscdk.NewApp(withFeatureFlags(props))
	// The whole context, to catch unknown keys: the App has merged
	// props.Context, the CLI's context (CDK_CONTEXT_JSON, or the file named
	// by CONTEXT_OVERFLOW_LOCATION_ENV when it is large) and
	// props.PostCliContext into its root node.
	ctx, ok := app.Node().GetAllContext(nil).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the CDK handed the app no context object")
	}
	given, err := givenContext(props)
	if err != nil {
		return nil, err
	}
	all := plain(ctx).(map[string]any)
	for k := range all {
		if v, ok := given[k]; ok {
			all[k] = v
		}
	}
	cfg, err := config.FromContext(all)
	if err := errors.Join(misplaced, err); err != nil {
		return nil, err
	}
	env := Env(getenv)
	for _, vault := range cfg.Vaults {
		user := BackupUserProps(cfg, vault)
		qnapglacier.NewVaultStack(app, jsii.String(rules.StackName(vault)), &qnapglacier.VaultStackProps{
			StackProps: awscdk.StackProps{
				Env:         env,
				Description: jsii.String("qnap-glacier: backup user and notifications for Glacier vault " + vault),
			},
			BackupUser: user,
			NextStep:   nextStep(vault, user.VaultMode),
		})
	}
	for _, bucket := range cfg.Buckets {
		qnapglacier.NewBucketStack(app, jsii.String(rules.StackName(bucket)), &qnapglacier.BucketStackProps{
			StackProps: awscdk.StackProps{
				Env:         env,
				Description: jsii.String("qnap-glacier: backup bucket, user and restore notifications for " + bucket),
			},
			BackupBucket: BackupBucketProps(cfg, bucket),
		})
	}
	// One budget for the whole app, in a stack of its own: deploying one
	// vault's stack, or removing a vault, leaves it alone.
	if cfg.MonthlyBudgetUsd > 0 {
		qnapglacier.NewBudgetStack(app, jsii.String(rules.BudgetStackName), &qnapglacier.BudgetStackProps{
			StackProps: awscdk.StackProps{
				Env:         env,
				Description: jsii.String("qnap-glacier: monthly cost budget over the services its stacks use"),
			},
			CostBudget: qnapglacier.CostBudgetProps{
				MonthlyLimitUsd: jsii.Number(cfg.MonthlyBudgetUsd),
				NotifyEmails:    cfg.BudgetEmails,
			},
		})
	}
	return app, nil
}

// withFeatureFlags returns a copy of props whose context holds the app's
// feature flags underneath the caller's own context.
func withFeatureFlags(props *awscdk.AppProps) *awscdk.AppProps {
	p := awscdk.AppProps{}
	if props != nil {
		p = *props
	}
	ctx := maps.Clone(featureFlags)
	if p.Context != nil {
		maps.Copy(ctx, *p.Context)
	}
	p.Context = &ctx
	return &p
}

// misplacedSettings checks the CDK CLI's two configuration files whose
// top level the CLI keeps to itself: cdk.json in the directory the CLI
// runs the app in (the app's working directory) and ~/.cdk.json. A file
// that is not there is fine.
func misplacedSettings(getenv func(string) string) error {
	files := [][2]string{{"cdk.json", "cdk.json"}}
	if home := getenv("HOME"); home != "" {
		files = append(files, [2]string{"~/.cdk.json", filepath.Join(home, ".cdk.json")})
	}
	var errs []error
	for _, f := range files {
		raw, err := os.ReadFile(f[1])
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", f[0], err))
			continue
		}
		errs = append(errs, config.MisplacedSettings(f[0], raw))
	}
	return errors.Join(errs...)
}

// givenContext returns the context as the owner wrote it, decoded in Go.
// On its way back from the App through jsii, every null inside an object
// is dropped ({"vaults": {"A": null}} arrives as {"vaults": {}}), so the
// app would report "no vault names" instead of vault "A"'s null. The
// sources and their order are the App's: props.Context, then the CLI's
// context (CDK_CONTEXT_JSON, or the file named by
// CONTEXT_OVERFLOW_LOCATION_ENV), then props.PostCliContext. New takes
// only keys the App holds too, so the App still decides which keys are set.
func givenContext(props *awscdk.AppProps) (map[string]any, error) {
	given := map[string]any{}
	// A JSON round trip gives every value the types of decoded JSON, as
	// the CLI's context has them.
	merge := func(source string, raw []byte) error {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			return fmt.Errorf("%s: not a JSON object of settings: %v", source, err)
		}
		for k, v := range m {
			given[k] = v
		}
		return nil
	}
	goMap := func(source string, m *map[string]any) error {
		if m == nil {
			return nil
		}
		for k, v := range *m {
			raw, err := json.Marshal(v)
			if err != nil {
				continue // not JSON: the App's value stands
			}
			if err := merge(source, []byte(fmt.Sprintf("{%q: %s}", k, raw))); err != nil {
				return err
			}
		}
		return nil
	}
	if props != nil {
		if err := goMap("the app's context", props.Context); err != nil {
			return nil, err
		}
	}
	if raw := os.Getenv("CDK_CONTEXT_JSON"); raw != "" {
		if err := merge("CDK_CONTEXT_JSON", []byte(raw)); err != nil {
			return nil, err
		}
	}
	if file := os.Getenv("CONTEXT_OVERFLOW_LOCATION_ENV"); file != "" {
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("reading the CLI's context: %v", err)
		}
		if err := merge(file, raw); err != nil {
			return nil, err
		}
	}
	if props != nil {
		if err := goMap("the app's post-CLI context", props.PostCliContext); err != nil {
			return nil, err
		}
	}
	return given, nil
}

// plain undoes jsii's wire format in a value handed back as any: nested JSON
// objects arrive wrapped as {"$jsii.map": {...}}.
func plain(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if inner, ok := t["$jsii.map"].(map[string]any); ok && len(t) == 1 {
			return plain(inner)
		}
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = plain(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = plain(x)
		}
		return out
	}
	return v
}

// nextStep is the stack's NextStep output: in app mode, what the owner
// does once the stack is deployed, in terms of this app's settings
// (cdk.json); in the other modes nothing is left to do.
func nextStep(vault string, mode qnapglacier.VaultMode) *string {
	if mode != "" && mode != qnapglacier.VaultModeApp {
		return nil
	}
	return jsii.String("Enter the access key on the NAS and let its backup app create the vault " + vault +
		". Within an hour of that the stack wires the vault's notifications, tags and protection by itself " +
		`and e-mails you; to have them applied at deploy time instead, set "vaultMode": "existing" for this vault ` +
		"in cdk.json and deploy again.")
}
