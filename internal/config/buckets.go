package config

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// BucketSettings are one backup bucket's settings: the global value of
// each setting, overridden by the bucket's own object in "buckets".
type BucketSettings struct {
	// BucketName is the S3 bucket's name; empty means derived.
	BucketName string
	// StorageClass is the archive class; empty means the default.
	StorageClass string
	// ArchiveAfterDays, KeepDeletedDays: nil means the default.
	ArchiveAfterDays, KeepDeletedDays *float64
	// ProtectArchivesDays is the Object Lock retention; 0 is off.
	ProtectArchivesDays float64
	// NotifyEmails get the restore digest.
	NotifyEmails []string
	// KeySerial is the access key serial.
	KeySerial float64
	// UserName is the IAM user name; empty means "<bucket>-user".
	UserName string
}

// bucketSetting is how the app reads one setting into a bucket's settings.
type bucketSetting struct {
	key string
	set func(s *BucketSettings, v any) error
}

// bucketSettings are the settings a bucket reads. Those it shares with
// vaults read the same way as for a vault.
var bucketSettings = []bucketSetting{
	{KeyBucketName, func(s *BucketSettings, v any) (err error) {
		name, ok := v.(string)
		if !ok {
			return fmt.Errorf("%s is not a string: give the S3 bucket name as text", show(v))
		}
		s.BucketName = name
		return rules.ValidateBucketName(name)
	}},
	{KeyStorageClass, func(s *BucketSettings, v any) error {
		class, ok := v.(string)
		if !ok {
			return fmt.Errorf("%s is not a storage class: must be one of GLACIER_IR, GLACIER, DEEP_ARCHIVE", show(v))
		}
		s.StorageClass = class
		return rules.ValidateStorageClass(class)
	}},
	{KeyArchiveAfterDays, func(s *BucketSettings, v any) error {
		n, err := number(v, rules.ValidateArchiveAfterDays, rules.ArchiveAfterDaysAllowed)
		s.ArchiveAfterDays = &n
		return err
	}},
	{KeyKeepDeletedDays, func(s *BucketSettings, v any) error {
		n, err := number(v, rules.ValidateKeepDeletedDays, rules.KeepDeletedDaysAllowed)
		s.KeepDeletedDays = &n
		return err
	}},
	{KeyProtectDays, func(s *BucketSettings, v any) (err error) {
		s.ProtectArchivesDays, err = parseProtectDays(v)
		return err
	}},
	{KeyNotifyEmails, func(s *BucketSettings, v any) (err error) {
		s.NotifyEmails, err = parseNotifyEmails(v)
		return err
	}},
	{KeyKeySerial, func(s *BucketSettings, v any) (err error) {
		s.KeySerial, err = parseKeySerial(v)
		return err
	}},
	{KeyUserName, func(s *BucketSettings, v any) (err error) {
		s.UserName, err = parseUserName(v)
		return err
	}},
}

func inBucketObject(bucket string) string {
	return fmt.Sprintf("context %q: bucket %q", KeyBuckets, bucket)
}

// targetCount says how many vaults and buckets there are, for a message.
func targetCount(vaults, buckets int) string {
	plural := func(n int, what string) string {
		if n == 1 {
			return "1 " + what
		}
		return fmt.Sprintf("%d %ss", n, what)
	}
	switch {
	case vaults == 0:
		return plural(buckets, "bucket")
	case buckets == 0:
		return plural(vaults, "vault")
	}
	return plural(vaults, "vault") + " and " + plural(buckets, "bucket")
}

// readBuckets reads the "buckets" setting, in the forms "vaults" takes: a
// list of names (comma-separated, or a JSON array) or a JSON object of
// names to each bucket's own settings (own). Names follow S3's bucket
// naming rules, since the bucket's name is derived from them; buckets
// holds the names that do, while own keeps the object of every name, so
// that a refused name's settings are still checked.
func readBuckets(v any, errs *problems) (buckets []string, own map[string]map[string]any) {
	where := inSetting(KeyBuckets)
	if v == nil {
		return nil, nil
	}
	obj, isObj, err := object(v)
	if err != nil {
		errs.add(where, fmt.Errorf("%w; give a JSON object of bucket names to their settings", err))
		return nil, nil
	}
	if isObj {
		own = map[string]map[string]any{}
		for _, bucket := range slices.Sorted(maps.Keys(obj)) {
			buckets = append(buckets, bucket)
			s, isObj := obj[bucket].(map[string]any)
			if !isObj {
				errs.add(inBucketObject(bucket), fmt.Errorf("%s is not an object of settings: give {} or settings such as {\"storageClass\": \"DEEP_ARCHIVE\"}", show(obj[bucket])))
				continue
			}
			own[bucket] = s
		}
	} else if buckets, err = stringList(v); err != nil {
		errs.add(where, err)
		return nil, nil
	}
	if len(buckets) == 0 {
		errs.add(where, errors.New(`no bucket names: give at least one in cdk.json's "context", e.g. "buckets": {"family-photos": {}}`))
		return nil, nil
	}
	seen := map[string]bool{}
	var ok []string
	for _, bucket := range buckets {
		if err := rules.ValidateBucketName(bucket); err != nil {
			errs.add(where, err)
			continue
		}
		if seen[bucket] {
			errs.add(where, fmt.Errorf("%q is listed twice: each bucket gets one stack, list it once", bucket))
			continue
		}
		seen[bucket] = true
		ok = append(ok, bucket)
	}
	return ok, own
}

// readBucketSettings gives each bucket its settings: the global ones
// (vaults' shared settings in defaults, and the bucket settings in ctx),
// then the bucket's own object.
func readBucketSettings(ctx map[string]any, defaults VaultSettings, buckets []string, own map[string]map[string]any, errs *problems) map[string]BucketSettings {
	if len(buckets) == 0 && len(own) == 0 {
		return nil
	}
	global := BucketSettings{
		ProtectArchivesDays: defaults.ProtectArchivesDays,
		NotifyEmails:        defaults.NotifyEmails,
		KeySerial:           defaults.KeySerial,
		UserName:            defaults.UserName,
	}
	for _, st := range bucketSettings {
		v := ctx[st.key]
		if v == nil || slices.Contains(VaultKeys, st.key) {
			continue // shared settings were read with the vaults'
		}
		if s, ok := v.(string); ok && st.key == KeyBucketName && len(buckets) > 1 {
			errs.add(inSetting(st.key), fmt.Errorf("%q given with %d buckets: a bucket name applies to one bucket only; drop it to get \"<bucket>-<account>-<region>\" per bucket, or give a bucket its own in \"buckets\"", s, len(buckets)))
			continue
		}
		errs.add(inSetting(st.key), st.set(&global, v))
	}

	// A bucket whose name was refused still has its object checked, so
	// that one run reports every problem; it gets no settings.
	names := buckets
	if own != nil {
		names = slices.Sorted(maps.Keys(own))
		for _, b := range buckets {
			if _, ok := own[b]; !ok {
				names = append(names, b)
			}
		}
	}
	out := map[string]BucketSettings{}
	for _, bucket := range names {
		s := global
		protectGiven := ctx[KeyProtectDays] != nil
		keepGiven := ctx[KeyKeepDeletedDays] != nil
		for _, k := range slices.Sorted(maps.Keys(own[bucket])) {
			i := slices.IndexFunc(bucketSettings, func(st bucketSetting) bool { return st.key == k })
			if i < 0 && slices.Contains(VaultKeys, k) {
				errs.add(inBucketObject(bucket), fmt.Errorf("setting %q is for vaults only: a bucket takes %s", k, strings.Join(BucketKeys, ", ")))
				continue
			}
			if i < 0 {
				errs.add(inBucketObject(bucket), unknownInObject("bucket", k, BucketKeys))
				continue
			}
			errs.add(fmt.Sprintf("%s: setting %q", inBucketObject(bucket), k), bucketSettings[i].set(&s, own[bucket][k]))
			protectGiven = protectGiven || k == KeyProtectDays
			keepGiven = keepGiven || k == KeyKeepDeletedDays
		}
		if keepGiven && protectGiven && s.KeepDeletedDays != nil && *s.KeepDeletedDays < s.ProtectArchivesDays &&
			rules.ValidateKeepDeletedDays(*s.KeepDeletedDays) == nil && rules.ValidateProtectArchivesDays(s.ProtectArchivesDays) == nil {
			errs.add(inBucketObject(bucket), fmt.Errorf("%q %v is shorter than %q %v: a deleted version stays locked for %q, so keep deleted versions at least that long",
				KeyKeepDeletedDays, *s.KeepDeletedDays, KeyProtectDays, s.ProtectArchivesDays, KeyProtectDays))
		}
		if slices.Contains(buckets, bucket) {
			out[bucket] = s
		}
	}
	return out
}

// settingsWithoutTargets reports a vault-only setting given when the app
// builds no vault, and a bucket-only setting given when it builds no bucket:
// nothing would read them, and nothing is silently ignored.
func settingsWithoutTargets(ctx map[string]any) error {
	var errs []error
	noVaults := ctx[KeyVaults] == nil && ctx[KeyBuckets] != nil
	for _, k := range []string{KeyVaultMode, KeyVaultTags} {
		if noVaults && ctx[k] != nil {
			errs = append(errs, fmt.Errorf("context %q: given, but %q is not set, so there is no vault: it applies to vaults only", k, KeyVaults))
		}
	}
	for _, k := range []string{KeyBucketName, KeyStorageClass, KeyArchiveAfterDays, KeyKeepDeletedDays} {
		if ctx[KeyBuckets] == nil && ctx[k] != nil {
			errs = append(errs, fmt.Errorf("context %q: given, but %q is not set, so there is no bucket: it applies to buckets only", k, KeyBuckets))
		}
	}
	return errors.Join(errs...)
}

// bucketCollisions reports buckets that would share a stack, an IAM user
// or an S3 bucket name with a vault or another bucket.
func bucketCollisions(c *Config) error {
	var errs []error
	stacks := map[string]string{} // stack name -> what
	users := map[string]string{}  // lower-case user name -> what
	for _, vault := range c.Vaults {
		stacks[rules.StackName(vault)] = fmt.Sprintf("vault %q", vault)
		users[strings.ToLower(c.UserName(vault))] = fmt.Sprintf("vault %q", vault)
	}
	names := map[string]string{} // bucket name -> bucket
	for _, bucket := range c.Buckets {
		this := fmt.Sprintf("bucket %q", bucket)
		if other, taken := stacks[rules.StackName(bucket)]; taken {
			errs = append(errs, fmt.Errorf("%s and %s both get stack %q: rename one", other, this, rules.StackName(bucket)))
		} else {
			stacks[rules.StackName(bucket)] = this
		}
		user := c.BucketUserName(bucket)
		if other, taken := users[strings.ToLower(user)]; taken {
			errs = append(errs, fmt.Errorf("%s and %s both get IAM user %q (IAM ignores letter case): give one of them another %q", other, this, user, KeyUserName))
		} else {
			users[strings.ToLower(user)] = this
		}
		if name := c.BucketSettings[bucket].BucketName; name != "" {
			if other, taken := names[name]; taken {
				errs = append(errs, fmt.Errorf("buckets %q and %q both have %q %q: S3 bucket names are unique", other, bucket, KeyBucketName, name))
			} else {
				names[name] = bucket
			}
		}
	}
	return errors.Join(errs...)
}

// BucketUserName is the IAM user name the bucket's stack creates.
func (c *Config) BucketUserName(bucket string) string {
	if u := c.BucketSettings[bucket].UserName; u != "" {
		return u
	}
	return rules.DefaultUserName(bucket)
}
