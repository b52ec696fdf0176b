// Package config reads the qnap-glacier app's settings from CDK context
// (cdk.json or "cdk -c key=value") and checks them before any stack is
// built, so bad input ends in clear messages and no template.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
)

// Context keys the app reads.
const (
	KeyVaults       = "vaults"
	KeyNotifyEmails = "notifyEmails"
	KeyKeySerial    = "keySerial"
	KeyUserName     = "userName"
	KeyVaultMode    = "vaultMode"
	KeyVaultTags    = "vaultTags"
	KeyProtectDays  = "protectArchivesDays"
)

// DefaultVault is the vault the app builds a stack for when "vaults" is not
// set, so that "cdk synth" works with no configuration at all.
const DefaultVault = "QNAP-Glacier-Vault"

// Config is the app's checked configuration.
type Config struct {
	// Vaults gets one stack each, in this order.
	Vaults []string
	// NotifyEmails are subscribed to every vault's topic.
	NotifyEmails []string
	// KeySerial is every vault's access key serial.
	KeySerial float64
	// UserName overrides the IAM user name; only with a single vault.
	UserName string
	// VaultModes is each vault's mode; a vault not in it gets "app".
	VaultModes map[string]qnapglacier.VaultMode
	// VaultTags are each vault's extra tags.
	VaultTags map[string]map[string]string
	// ProtectArchivesDays is each vault's protection period; 0 or absent is
	// off.
	ProtectArchivesDays map[string]float64
}

// Lookup returns the context value for key, or nil when it is unset.
type Lookup func(key string) any

// FromContext reads and checks every setting. The error names each bad
// setting, its value and what is allowed, one problem per line.
func FromContext(get Lookup) (*Config, error) {
	c := &Config{KeySerial: qnapglacier.DefaultKeySerial}
	var errs []error
	// fail records each of err's problems (it may join several) as its
	// own line naming the setting.
	fail := func(key string, err error) {
		var list []error
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			list = j.Unwrap()
		} else if err != nil {
			list = []error{err}
		}
		for _, e := range list {
			errs = append(errs, fmt.Errorf("context %q: %w", key, e))
		}
	}

	vaults, err := stringList(get(KeyVaults))
	switch {
	case err != nil:
		fail(KeyVaults, err)
	case vaults == nil:
		c.Vaults = []string{DefaultVault}
	case len(vaults) == 0:
		fail(KeyVaults, errors.New("no vault names: give at least one, e.g. -c vaults=My-Vault"))
	default:
		seen := map[string]bool{}
		for _, v := range vaults {
			if err := qnapglacier.ValidateVaultName(v); err != nil {
				fail(KeyVaults, err)
			} else if seen[v] {
				fail(KeyVaults, fmt.Errorf("%q is listed twice: each vault gets one stack, list it once", v))
			}
			seen[v] = true
		}
		c.Vaults = vaults
	}

	emails, err := stringList(get(KeyNotifyEmails))
	if err != nil {
		fail(KeyNotifyEmails, err)
	}
	fail(KeyNotifyEmails, qnapglacier.ValidateNotifyEmails(emails))
	c.NotifyEmails = emails

	if v := get(KeyKeySerial); v != nil {
		n, err := number(v, qnapglacier.ValidateKeySerial)
		if err != nil {
			fail(KeyKeySerial, err)
		}
		c.KeySerial = n
	}

	if v := get(KeyUserName); v != nil {
		s, ok := v.(string)
		switch {
		case !ok:
			fail(KeyUserName, fmt.Errorf("%v is not a string: give the IAM user name as text", v))
		case len(c.Vaults) > 1:
			fail(KeyUserName, fmt.Errorf("%q given with %d vaults: a user name applies to one vault only; drop it to get \"<vault>-user\" per vault", s, len(c.Vaults)))
		default:
			if err := qnapglacier.ValidateUserName(s); err != nil {
				fail(KeyUserName, err)
			}
			c.UserName = s
		}
	}

	if v := get(KeyVaultMode); v != nil {
		modes, err := perVault(v, c.Vaults, func(x any) (qnapglacier.VaultMode, error) {
			m, ok := x.(string)
			if !ok {
				return "", fmt.Errorf("%v is not a vault mode: must be one of app, existing, stack", x)
			}
			return qnapglacier.VaultMode(m), qnapglacier.ValidateVaultMode(m)
		})
		if err != nil {
			fail(KeyVaultMode, err)
		}
		c.VaultModes = modes
	}

	if v := get(KeyVaultTags); v != nil {
		tags, err := vaultTags(v, c.Vaults)
		if err != nil {
			fail(KeyVaultTags, err)
		}
		c.VaultTags = tags
	}

	if v := get(KeyProtectDays); v != nil {
		days, err := perVault(v, c.Vaults, func(x any) (float64, error) {
			return number(x, qnapglacier.ValidateProtectArchivesDays)
		})
		if err != nil {
			fail(KeyProtectDays, err)
		}
		c.ProtectArchivesDays = days
	}

	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// perVault reads a setting given either once for every vault (a plain
// value) or per vault (a JSON object keyed by vault name).
func perVault[T any](v any, vaults []string, parse func(any) (T, error)) (map[string]T, error) {
	if s, ok := v.(string); ok && strings.HasPrefix(strings.TrimSpace(s), "{") {
		var obj map[string]any
		if err := json.Unmarshal([]byte(s), &obj); err != nil {
			return nil, fmt.Errorf("malformed JSON object %s: %v", abbreviate(s), err)
		}
		v = obj
	}
	out := map[string]T{}
	obj, ok := v.(map[string]any)
	if !ok {
		t, err := parse(v)
		for _, vault := range vaults {
			out[vault] = t
		}
		return out, err
	}
	var errs []error
	for _, vault := range slices.Sorted(maps.Keys(obj)) {
		if !slices.Contains(vaults, vault) {
			errs = append(errs, fmt.Errorf("%q is not one of the vaults (%s): key a per-vault setting by vault name", vault, strings.Join(vaults, ", ")))
			continue
		}
		t, err := parse(obj[vault])
		if err != nil {
			errs = append(errs, fmt.Errorf("vault %q: %w", vault, err))
		}
		out[vault] = t
	}
	return out, errors.Join(errs...)
}

// vaultTags reads the vaultTags setting: a JSON object of tag keys to
// string values for every vault, or a JSON object of vault names to such
// objects for each vault.
func vaultTags(v any, vaults []string) (map[string]map[string]string, error) {
	const want = `a JSON object of tags, {"key":"value"}, or of vault names to such objects`
	if s, ok := v.(string); ok {
		var obj map[string]any
		if err := json.Unmarshal([]byte(s), &obj); err != nil {
			return nil, fmt.Errorf("malformed JSON %s: %v; give %s", abbreviate(s), err, want)
		}
		v = obj
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%v is not %s", v, want)
	}
	perVaultForm := len(obj) > 0
	for _, x := range obj {
		if _, isObj := x.(map[string]any); !isObj {
			perVaultForm = false
		}
	}
	parse := func(x any) (map[string]string, error) {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%v is not %s", x, want)
		}
		tags := map[string]string{}
		for k, val := range m {
			s, ok := val.(string)
			if !ok {
				return nil, fmt.Errorf("tag %q has %v, not a string: tag values are text", k, val)
			}
			tags[k] = s
		}
		return tags, qnapglacier.ValidateVaultTags(tags)
	}
	if perVaultForm {
		return perVault(obj, vaults, parse)
	}
	tags, err := parse(obj)
	out := map[string]map[string]string{}
	for _, vault := range vaults {
		out[vault] = tags
	}
	return out, err
}

// BackupUserProps are the construct props for one of c's vaults.
func (c *Config) BackupUserProps(vault string) qnapglacier.BackupUserProps {
	p := qnapglacier.BackupUserProps{
		VaultName:    jsii.String(vault),
		KeySerial:    jsii.Number(c.KeySerial),
		NotifyEmails: c.NotifyEmails,
	}
	if c.UserName != "" {
		p.UserName = jsii.String(c.UserName)
	}
	p.VaultMode = c.VaultModes[vault]
	p.VaultTags = c.VaultTags[vault]
	if days := c.ProtectArchivesDays[vault]; days > 0 {
		p.ProtectArchivesDays = jsii.Number(days)
	}
	return p
}

// Env is the stacks' environment: the CLI profile's account and region when
// the CLI found an account, otherwise nil (environment-agnostic). The CLI
// passes a region even with no profile (us-east-1), so only the account
// tells whether a profile was found.
func Env(getenv func(string) string) *awscdk.Environment {
	account := getenv("CDK_DEFAULT_ACCOUNT")
	if account == "" {
		return nil
	}
	env := &awscdk.Environment{Account: jsii.String(account)}
	if region := getenv("CDK_DEFAULT_REGION"); region != "" {
		env.Region = jsii.String(region)
	}
	return env
}

// stringList reads a list setting: a JSON array of strings (cdk.json), or
// on the command line a comma-separated string or a JSON array in a string.
// It returns nil when the setting is unset.
func stringList(v any) ([]string, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case string:
		s := strings.TrimSpace(t)
		if strings.HasPrefix(s, "[") {
			var list []string
			if err := json.Unmarshal([]byte(s), &list); err != nil {
				return nil, fmt.Errorf("malformed JSON array %s: %v; give a JSON array of strings or a comma-separated list", abbreviate(s), err)
			}
			return list, nil
		}
		list := []string{}
		if s == "" {
			return list, nil
		}
		// Empty items are kept so that "a,,b" is reported, not guessed at.
		for _, part := range strings.Split(s, ",") {
			list = append(list, strings.TrimSpace(part))
		}
		return list, nil
	case []any:
		list := make([]string, 0, len(t))
		for i, item := range t {
			s, ok := item.(string)
			if !ok {
				return nil, fmt.Errorf("item %d is %v, not a string: give a JSON array of strings", i+1, item)
			}
			list = append(list, s)
		}
		return list, nil
	default:
		return nil, fmt.Errorf("%v is neither a JSON array of strings nor a comma-separated string", v)
	}
}

// number reads a numeric setting, a JSON number (cdk.json) or a decimal
// string (command line), and checks it with validate.
func number(v any, validate func(float64) error) (float64, error) {
	var n float64
	switch t := v.(type) {
	case float64:
		n = t
	case string:
		var err error
		if n, err = strconv.ParseFloat(strings.TrimSpace(t), 64); err != nil {
			// validate(-1) states what is allowed.
			return 0, fmt.Errorf("%q is not a number: %s", t, allowedPart(validate(-1)))
		}
	default:
		return 0, fmt.Errorf("%v is not a number: %s", v, allowedPart(validate(-1)))
	}
	return n, validate(n)
}

// allowedPart is the "must be ..." part of a validation error.
func allowedPart(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "must "); i >= 0 {
		return msg[i:]
	}
	return msg
}

func abbreviate(s string) string {
	if len(s) <= 60 {
		return s
	}
	return s[:50] + "..."
}
