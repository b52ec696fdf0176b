package check

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// The context keys the check reads. They are the app's (internal/config);
// a test holds the two readers to the same answers.
const (
	keyVaults       = "vaults"
	keyBuckets      = "buckets"
	keyNotifyEmails = "notifyEmails"
	keyVaultMode    = "vaultMode"
	keyVaultTags    = "vaultTags"
	keyProtectDays  = "protectArchivesDays"

	// defaultVault is the vault the app builds when neither "vaults" nor
	// "buckets" is set.
	defaultVault = "QNAP-Glacier-Vault"
	// projectTag, projectName and vaultTag are the tags every vault gets
	// (rules.ProjectTag, ProjectName, VaultTag).
	projectTag  = "project"
	projectName = "qnap-glacier"
	vaultTag    = "qnap-glacier:vault"
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
// app's order, with what each should look like. It reads settings the way
// internal/config does, without checking them: the app refused bad ones
// before anything was deployed.
func Targets(ctx map[string]any) ([]Target, error) {
	var vaults []string
	vaultOwn := map[string]map[string]any{}
	if ctx[keyVaults] != nil || ctx[keyBuckets] == nil {
		var err error
		if vaults, vaultOwn, err = names(ctx[keyVaults], []string{defaultVault}); err != nil {
			return nil, fmt.Errorf("context %q: %v", keyVaults, err)
		}
	}
	buckets, bucketOwn, err := names(ctx[keyBuckets], nil)
	if err != nil {
		return nil, fmt.Errorf("context %q: %v", keyBuckets, err)
	}

	// Global values, and per-setting objects keyed by vault name.
	global := Target{Mode: "app"}
	perVault := map[string]map[string]any{}
	for _, key := range []string{keyNotifyEmails, keyProtectDays, keyVaultMode, keyVaultTags} {
		v := ctx[key]
		if v == nil {
			continue
		}
		if obj, ok := object(v); ok && key != keyNotifyEmails && (key != keyVaultTags || tagsByVault(obj)) {
			perVault[key] = obj
			continue
		}
		if err := set(&global, key, v); err != nil {
			return nil, fmt.Errorf("context %q: %v", key, err)
		}
	}

	var out []Target
	for _, vault := range vaults {
		t := global
		t.Kind, t.Name, t.Stack = "vault", vault, rules.StackName(vault)
		for _, key := range slices.Sorted(maps.Keys(perVault)) {
			if v, ok := perVault[key][vault]; ok {
				if err := set(&t, key, v); err != nil {
					return nil, fmt.Errorf("context %q: vault %q: %v", key, vault, err)
				}
			}
		}
		for _, key := range slices.Sorted(maps.Keys(vaultOwn[vault])) {
			if err := set(&t, key, vaultOwn[vault][key]); err != nil {
				return nil, fmt.Errorf("context %q: vault %q: %v", keyVaults, vault, err)
			}
		}
		tags := map[string]string{projectTag: projectName, vaultTag: vault}
		maps.Copy(tags, t.Tags)
		t.Tags = tags
		out = append(out, t)
	}
	for _, bucket := range buckets {
		t := Target{Kind: "bucket", Name: bucket, Stack: rules.StackName(bucket),
			ProtectDays: global.ProtectDays, Emails: global.Emails}
		for _, key := range slices.Sorted(maps.Keys(bucketOwn[bucket])) {
			if key != keyProtectDays && key != keyNotifyEmails {
				continue // settings the check does not compare
			}
			if err := set(&t, key, bucketOwn[bucket][key]); err != nil {
				return nil, fmt.Errorf("context %q: bucket %q: %v", keyBuckets, bucket, err)
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// set reads one setting's value into t.
func set(t *Target, key string, v any) error {
	switch key {
	case keyNotifyEmails:
		list, err := stringList(v)
		t.Emails = list
		return err
	case keyProtectDays:
		switch n := v.(type) {
		case float64:
			t.ProtectDays = n
		case string:
			f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
			if err != nil {
				return fmt.Errorf("%q is not a number", n)
			}
			t.ProtectDays = f
		default:
			// Numbers other than JSON's (a Go caller's context).
			f, err := strconv.ParseFloat(fmt.Sprint(v), 64)
			if err != nil {
				return fmt.Errorf("%v is not a number", v)
			}
			t.ProtectDays = f
		}
	case keyVaultMode:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%v is not a vault mode", v)
		}
		t.Mode = s
	case keyVaultTags:
		obj, ok := object(v)
		if !ok {
			return fmt.Errorf("%v is not an object of tags", v)
		}
		t.Tags = map[string]string{}
		for k, val := range obj {
			t.Tags[k] = fmt.Sprint(val)
		}
	}
	return nil
}

// names reads "vaults" or "buckets": a comma-separated string, a JSON
// array, or a JSON object of names to their own settings.
func names(v any, def []string) ([]string, map[string]map[string]any, error) {
	if v == nil {
		return def, nil, nil
	}
	if obj, ok := object(v); ok {
		own := map[string]map[string]any{}
		for _, name := range slices.Sorted(maps.Keys(obj)) {
			own[name], _ = obj[name].(map[string]any)
		}
		return slices.Sorted(maps.Keys(obj)), own, nil
	}
	list, err := stringList(v)
	return list, nil, err
}

func stringList(v any) ([]string, error) {
	switch t := v.(type) {
	case string:
		s := strings.TrimSpace(t)
		if strings.HasPrefix(s, "[") {
			var list []string
			err := json.Unmarshal([]byte(s), &list)
			return list, err
		}
		if s == "" {
			return nil, nil
		}
		var list []string
		for _, part := range strings.Split(s, ",") {
			list = append(list, strings.TrimSpace(part))
		}
		return list, nil
	case []any:
		var list []string
		for _, item := range t {
			list = append(list, fmt.Sprint(item))
		}
		return list, nil
	}
	return nil, fmt.Errorf("%v is not a list of names", v)
}

func object(v any) (map[string]any, bool) {
	switch t := v.(type) {
	case map[string]any:
		return t, true
	case string:
		var obj map[string]any
		if strings.HasPrefix(strings.TrimSpace(t), "{") && json.Unmarshal([]byte(t), &obj) == nil {
			return obj, true
		}
	}
	return nil, false
}

// tagsByVault tells {"Photos":{"owner":"me"}} (tags by vault) from
// {"owner":"me"} (tags for every vault), as the app does.
func tagsByVault(obj map[string]any) bool {
	for _, v := range obj {
		if _, ok := v.(map[string]any); !ok {
			return false
		}
	}
	return len(obj) > 0
}
