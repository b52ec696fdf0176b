// Package config reads the qnap-glacier app's settings from CDK context
// (cdk.json or "cdk -c key=value") and checks them before any stack is
// built, so bad input ends in clear messages and no template.
package config

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// DefaultVault is the vault the app builds a stack for when "vaults" is not
// set, so that "cdk synth" works with no configuration at all.
const DefaultVault = "QNAP-Glacier-Vault"

// Config is the app's checked configuration.
type Config struct {
	// Vaults get one stack each, in this order.
	Vaults []string
	// Settings are each vault's settings, by vault name.
	Settings map[string]VaultSettings
	// Buckets get one stack each, after the vaults, in this order.
	Buckets []string
	// BucketSettings are each bucket's settings, by bucket name.
	BucketSettings map[string]BucketSettings
	// MonthlyBudgetUsd is the app's one cost budget, in US dollars a
	// month; 0 is none.
	MonthlyBudgetUsd float64
	// BudgetEmails are the addresses the budget e-mails: every vault's and
	// bucket's notifyEmails, each once, sorted.
	BudgetEmails []string
}

// VaultSettings are one vault's settings: the global value of each
// setting, overridden by a per-setting JSON object keyed by vault name
// (`"vaultMode": {"Photos": "existing"}`), overridden in turn by the
// vault's own object in "vaults".
type VaultSettings struct {
	// Mode is the vault mode; empty means app.
	Mode string
	// Tags are the vault's extra tags.
	Tags map[string]string
	// ProtectArchivesDays is the protection period; 0 is off.
	ProtectArchivesDays float64
	// NotifyEmails are subscribed to the vault's topic.
	NotifyEmails []string
	// KeySerial is the access key serial.
	KeySerial float64
	// UserName is the IAM user name; empty means "<vault>-user".
	UserName string
}

// setting is how the app reads one setting into a vault's settings.
type setting struct {
	key string
	// want says what the setting takes, for a malformed JSON object.
	want string
	// byVault, when set, tells whether an object given for the setting is
	// keyed by vault name rather than being the setting's own value.
	byVault func(obj map[string]any) bool
	// set reads v into s.
	set func(s *VaultSettings, v any) error
}

var settings = []setting{
	{key: KeyNotifyEmails, set: func(s *VaultSettings, v any) (err error) {
		s.NotifyEmails, err = parseNotifyEmails(v)
		return err
	}},
	{key: KeyKeySerial, set: func(s *VaultSettings, v any) (err error) {
		s.KeySerial, err = parseKeySerial(v)
		return err
	}},
	{key: KeyUserName, set: func(s *VaultSettings, v any) (err error) {
		s.UserName, err = parseUserName(v)
		return err
	}},
	{key: KeyVaultMode, want: "a vault mode, or a JSON object of vault names to modes", byVault: always, set: func(s *VaultSettings, v any) (err error) {
		s.Mode, err = parseVaultMode(v)
		return err
	}},
	{key: KeyVaultTags, want: tagsWant + ", or a JSON object of vault names to such objects", byVault: tagsByVault, set: func(s *VaultSettings, v any) (err error) {
		s.Tags, err = parseVaultTags(v)
		return err
	}},
	{key: KeyProtectDays, want: "a number of days, or a JSON object of vault names to numbers", byVault: always, set: func(s *VaultSettings, v any) (err error) {
		s.ProtectArchivesDays, err = parseProtectDays(v)
		return err
	}},
}

func always(map[string]any) bool { return true }

// tagsByVault tells tags for every vault, {"owner":"me"}, from tags by
// vault name, {"Photos":{"owner":"me"}}: in the latter every value is an
// object.
func tagsByVault(obj map[string]any) bool {
	for _, v := range obj {
		if _, ok := v.(map[string]any); !ok {
			return false
		}
	}
	return len(obj) > 0
}

func settingFor(key string) (setting, bool) {
	i := slices.IndexFunc(settings, func(s setting) bool { return s.key == key })
	if i < 0 {
		return setting{}, false
	}
	return settings[i], true
}

// problems collects every problem, one line each, each naming where it is.
type problems []error

// add records each of err's problems (it may join several) as its own line
// starting with where.
func (p *problems) add(where string, err error) {
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else if err != nil {
		list = []error{err}
	}
	for _, e := range list {
		if where == "" {
			*p = append(*p, e)
		} else {
			*p = append(*p, fmt.Errorf("%s: %w", where, e))
		}
	}
}

func inSetting(key string) string { return fmt.Sprintf("context %q", key) }

func inVaultObject(vault string) string {
	return fmt.Sprintf("context %q: vault %q", KeyVaults, vault)
}

// FromContext reads and checks every setting in ctx, the app's whole
// context. A key that is neither a setting nor the CDK's own is an error,
// as is every bad value. The error names each problem's setting, its value
// and what is allowed, one problem per line.
func FromContext(ctx map[string]any) (*Config, error) {
	var errs problems
	for _, k := range slices.Sorted(maps.Keys(ctx)) {
		if !IsCDKKey(k) && !slices.Contains(Keys, k) {
			errs.add("", unknownKey(k, Keys))
		}
	}

	// With buckets and no vaults, the app builds no vault at all: the
	// default vault is only for an app given neither.
	var (
		vaults   []string
		own      map[string]map[string]any
		vaultsOK = true
	)
	if ctx[KeyVaults] != nil || ctx[KeyBuckets] == nil {
		vaults, own, vaultsOK = readVaults(ctx[KeyVaults], &errs)
	}
	buckets, bucketOwn := readBuckets(ctx[KeyBuckets], &errs)

	// Global values first, per-vault ones kept for each vault below.
	defaults := VaultSettings{KeySerial: rules.DefaultKeySerial}
	perSetting := map[string]map[string]any{} // setting -> vault -> value
	for _, st := range settings {
		v := ctx[st.key]
		if v == nil {
			continue
		}
		if st.byVault != nil {
			obj, ok, err := object(v)
			if err != nil {
				errs.add(inSetting(st.key), fmt.Errorf("%w; give %s", err, st.want))
				continue
			}
			if ok && st.byVault(obj) {
				perSetting[st.key] = obj
				for _, vault := range slices.Sorted(maps.Keys(obj)) {
					if slices.Contains(buckets, vault) && !slices.Contains(vaults, vault) {
						errs.add(inSetting(st.key), fmt.Errorf("%q is a bucket: give a bucket's settings in its object in %q, such as {%q: {%q: ...}}", vault, KeyBuckets, vault, st.key))
						continue
					}
					if vaultsOK && !slices.Contains(vaults, vault) {
						errs.add(inSetting(st.key), fmt.Errorf("%q is not one of the vaults (%s): key a per-vault setting by vault name", vault, strings.Join(vaults, ", ")))
					}
				}
				continue
			}
		}
		if s, ok := v.(string); ok && st.key == KeyUserName && len(vaults) > 1 && len(buckets) == 0 {
			errs.add(inSetting(st.key), fmt.Errorf("%q given with %d vaults: a user name applies to one vault only; drop it to get \"<vault>-user\" per vault, or give a vault its own in \"vaults\"", s, len(vaults)))
			continue
		}
		if s, ok := v.(string); ok && st.key == KeyUserName && len(buckets) > 0 && len(vaults)+len(buckets) > 1 {
			errs.add(inSetting(st.key), fmt.Errorf("%q given with %s: a user name applies to one vault or bucket only; drop it to get \"<name>-user\" for each, or give each its own in \"vaults\" or \"buckets\"", s, targetCount(len(vaults), len(buckets))))
			continue
		}
		errs.add(inSetting(st.key), st.set(&defaults, v))
	}

	c := &Config{Vaults: vaults, Settings: map[string]VaultSettings{}}
	for _, vault := range vaults {
		s := defaults
		for _, st := range settings {
			if v, ok := perSetting[st.key][vault]; ok {
				errs.add(fmt.Sprintf("%s: vault %q", inSetting(st.key), vault), st.set(&s, v))
			}
		}
		for _, k := range slices.Sorted(maps.Keys(own[vault])) {
			st, ok := settingFor(k)
			if !ok && slices.Contains(BucketKeys, k) {
				errs.add(inVaultObject(vault), fmt.Errorf("setting %q is for buckets only: a vault takes %s", k, strings.Join(VaultKeys, ", ")))
				continue
			}
			if !ok {
				errs.add(inVaultObject(vault), unknownInObject("vault", k, VaultKeys))
				continue
			}
			if _, twice := perSetting[k][vault]; twice {
				errs.add(inVaultObject(vault), fmt.Errorf("setting %q is also given for this vault in context %q: give it in one place", k, k))
				continue
			}
			errs.add(fmt.Sprintf("%s: setting %q", inVaultObject(vault), k), st.set(&s, own[vault][k]))
		}
		c.Settings[vault] = s
		if (s.Mode == "" || s.Mode == "app") && len(s.Tags) > rules.MaxVaultTags-1 {
			errs.add(fmt.Sprintf("%s: vault %q", inSetting(KeyVaultTags), vault), fmt.Errorf(
				"%d tags: at most %d in app mode, where the watcher needs one of Glacier's 50 tags per vault (qnap-glacier:unsent) "+
					"to keep a message SNS refused until it is sent; use fewer tags, or \"vaultMode\": \"existing\" once the vault exists",
				len(s.Tags), rules.MaxVaultTags-1))
		}
	}
	errs.add(inSetting(KeyVaults), userNameCollisions(c))
	c.Buckets = buckets
	c.BucketSettings = readBucketSettings(ctx, defaults, buckets, bucketOwn, &errs)
	errs.add(inSetting(KeyBuckets), bucketCollisions(c))
	errs.add("", settingsWithoutTargets(ctx))
	readBudget(ctx[KeyMonthlyBudget], c, &errs)

	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// readVaults reads the "vaults" setting: a list of names (comma-separated,
// or a JSON array) or a JSON object of vault names to each vault's own
// settings (own). ok is false when the names themselves could not be read.
func readVaults(v any, errs *problems) (vaults []string, own map[string]map[string]any, ok bool) {
	where := inSetting(KeyVaults)
	if v == nil {
		return []string{DefaultVault}, nil, true
	}
	obj, isObj, err := object(v)
	if err != nil {
		errs.add(where, fmt.Errorf("%w; give a JSON object of vault names to their settings", err))
		return nil, nil, false
	}
	if isObj {
		own = map[string]map[string]any{}
		for _, vault := range slices.Sorted(maps.Keys(obj)) {
			vaults = append(vaults, vault)
			s, isObj := obj[vault].(map[string]any)
			if !isObj {
				errs.add(inVaultObject(vault), fmt.Errorf("%s is not an object of settings: give {} or settings such as {\"vaultMode\": \"existing\"}", show(obj[vault])))
				continue
			}
			own[vault] = s
		}
	} else if vaults, err = stringList(v); err != nil {
		errs.add(where, err)
		return nil, nil, false
	}
	if len(vaults) == 0 {
		errs.add(where, errors.New(`no vault names: give at least one in cdk.json's "context", e.g. "vaults": {"My-Vault": {}}`))
		return vaults, own, false
	}
	seen := map[string]string{} // lower case -> first spelling
	for _, vault := range vaults {
		if err := rules.ValidateVaultName(vault); err != nil {
			errs.add(where, err)
			continue
		}
		first, dup := seen[strings.ToLower(vault)]
		switch {
		case dup && first == vault:
			errs.add(where, fmt.Errorf("%q is listed twice: each vault gets one stack, list it once", vault))
		case dup:
			errs.add(where, fmt.Errorf("%q and %q differ only in letter case: IAM user and policy names ignore case, so their users would collide; rename one", first, vault))
		default:
			seen[strings.ToLower(vault)] = vault
		}
	}
	return vaults, own, true
}

// userNameCollisions reports vaults whose IAM users would share a name:
// IAM user names are unique per account and ignore letter case. Vault
// names that differ only in case are reported as such already.
func userNameCollisions(c *Config) error {
	var errs []error
	owner := map[string]string{} // lower-case user name -> vault
	for _, vault := range c.Vaults {
		user := c.UserName(vault)
		other, taken := owner[strings.ToLower(user)]
		switch {
		case !taken:
			owner[strings.ToLower(user)] = vault
		case strings.EqualFold(other, vault):
			// reported by readVaults
		case c.UserName(other) == user:
			errs = append(errs, fmt.Errorf("vaults %q and %q both get IAM user %q: IAM user names are unique per account; give one of them another %q", other, vault, user, KeyUserName))
		default:
			errs = append(errs, fmt.Errorf("vaults %q and %q get IAM users %q and %q, one name to IAM, which ignores letter case: give one of them another %q", other, vault, c.UserName(other), user, KeyUserName))
		}
	}
	return errors.Join(errs...)
}

// UserName is the IAM user name the vault's stack creates.
func (c *Config) UserName(vault string) string {
	if u := c.Settings[vault].UserName; u != "" {
		return u
	}
	return rules.DefaultUserName(vault)
}
