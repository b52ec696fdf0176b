package check

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/qnap-glacier/qnap-glacier/internal/config"
	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// Target is one deployed vault or bucket, as the app's settings describe
// it: what the check expects to find.
type Target struct {
	// Kind is "vault" or "bucket".
	Kind string
	// Name is the vault name, or the bucket's name in "buckets".
	Name string
	// Stack is the CloudFormation stack the app gives it.
	Stack string
	// Mode is a vault's mode: app, existing or stack.
	Mode string
	// Tags are the tags a vault should carry, the project's included.
	Tags map[string]string
	// ProtectDays is protectArchivesDays; 0 is off.
	ProtectDays float64
	// Emails are the addresses that should be subscribed.
	Emails []string
}

// LoadContext reads the app's context as the CDK CLI hands it to the app:
// cdk.json's "context", then cdk.context.json, then each "key=value" of
// overrides (the CLI's -c), later ones winning.
func LoadContext(dir string, overrides []string) (map[string]any, error) {
	ctx := map[string]any{}
	for _, name := range []string{"cdk.json", "cdk.context.json"} {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if os.IsNotExist(err) && name == "cdk.json" {
			abs, _ := filepath.Abs(dir)
			return nil, fmt.Errorf("no cdk.json in %s: run the check in the qnap-glacier project's folder, where you run cdk deploy", abs)
		}
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			return nil, fmt.Errorf("%s is not valid JSON: %v", name, err)
		}
		src := doc
		if name == "cdk.json" {
			src, _ = doc["context"].(map[string]any)
		}
		maps.Copy(ctx, src)
	}
	for _, kv := range overrides {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--context %q: give key=value, as for cdk -c", kv)
		}
		ctx[k] = v
	}
	return ctx, nil
}

// Targets lists the vaults and buckets the app deploys for ctx, in the
// app's order, with what each should look like. It reads the settings
// with the app's own reader (internal/config, plain Go: the check compiles
// no CDK), so a setting the app would refuse is refused here with the
// app's message.
func Targets(ctx map[string]any) ([]Target, error) {
	cfg, err := config.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	var out []Target
	for _, v := range cfg.Vaults {
		s := cfg.Settings[v]
		mode := s.Mode
		if mode == "" {
			mode = "app"
		}
		tags := map[string]string{rules.ProjectTag: rules.ProjectName, rules.VaultTag: v}
		maps.Copy(tags, s.Tags)
		out = append(out, Target{Kind: "vault", Name: v, Stack: rules.StackName(v), Mode: mode,
			Tags: tags, ProtectDays: s.ProtectArchivesDays, Emails: s.NotifyEmails})
	}
	for _, b := range cfg.Buckets {
		s := cfg.BucketSettings[b]
		out = append(out, Target{Kind: "bucket", Name: b, Stack: rules.StackName(b),
			ProtectDays: s.ProtectArchivesDays, Emails: s.NotifyEmails})
	}
	return out, nil
}
