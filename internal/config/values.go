package config

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// Values come as cdk.json holds them (JSON strings, numbers, arrays,
// objects) or, from "cdk -c key=value", always as strings; each reader
// below takes both.

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
				return nil, fmt.Errorf("item %d is %s, not a string: give a JSON array of strings", i+1, show(item))
			}
			list = append(list, s)
		}
		return list, nil
	default:
		return nil, fmt.Errorf("%s is neither a JSON array of strings nor a comma-separated string", show(v))
	}
}

// object reads v as a JSON object: one from cdk.json, or a string holding
// one (from the command line) when the string starts with "{". ok is false
// when v is neither; err reports a string that starts like an object but
// does not parse.
func object(v any) (obj map[string]any, ok bool, err error) {
	switch t := v.(type) {
	case map[string]any:
		return t, true, nil
	case string:
		s := strings.TrimSpace(t)
		if !strings.HasPrefix(s, "{") {
			return nil, false, nil
		}
		if err := json.Unmarshal([]byte(s), &obj); err != nil {
			return nil, true, fmt.Errorf("malformed JSON object %s: %v", abbreviate(s), err)
		}
		return obj, true, nil
	}
	return nil, false, nil
}

// number reads a numeric setting, a JSON number (cdk.json), a decimal
// string (command line) or a Go integer (a Go caller's context map), and
// checks it with validate. allowed says what
// validate allows, for a value that is not a number at all.
func number(v any, validate func(float64) error, allowed string) (float64, error) {
	var n float64
	switch t := v.(type) {
	case float64:
		n = t
	case int:
		n = float64(t)
	case int64:
		n = float64(t)
	case string:
		var err error
		if n, err = strconv.ParseFloat(strings.TrimSpace(t), 64); err != nil {
			return 0, fmt.Errorf("%q is not a number: %s", t, allowed)
		}
	default:
		return 0, fmt.Errorf("%s is not a number: %s", show(v), allowed)
	}
	return n, validate(n)
}

func parseVaultMode(v any) (string, error) {
	m, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s is not a vault mode: %s", show(v), rules.VaultModeAllowed)
	}
	return m, rules.ValidateVaultMode(m)
}

func parseProtectDays(v any) (float64, error) {
	return number(v, rules.ValidateProtectArchivesDays, rules.ProtectArchivesDaysAllowed)
}

func parseKeySerial(v any) (float64, error) {
	return number(v, rules.ValidateKeySerial, rules.KeySerialAllowed)
}

func parseUserName(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s is not a string: give the IAM user name as text", show(v))
	}
	return s, rules.ValidateUserName(s)
}

func parseNotifyEmails(v any) ([]string, error) {
	emails, err := stringList(v)
	if err != nil {
		return nil, err
	}
	return emails, rules.ValidateNotifyEmails(emails)
}

const tagsWant = `a JSON object of tags, {"key":"value"}`

// parseVaultTags reads one vault's tags: a JSON object of tag keys to
// string values.
func parseVaultTags(v any) (map[string]string, error) {
	obj, ok, err := object(v)
	if err != nil {
		return nil, fmt.Errorf("%w; give %s", err, tagsWant)
	}
	if !ok {
		return nil, fmt.Errorf("%s is not %s", show(v), tagsWant)
	}
	tags := map[string]string{}
	for k, val := range obj {
		s, ok := val.(string)
		if !ok {
			return nil, fmt.Errorf("tag %q has %s, not a string: tag values are text", k, show(val))
		}
		tags[k] = s
	}
	return tags, rules.ValidateVaultTags(tags, nil)
}

// show renders a context value as JSON, as the owner wrote it in cdk.json.
func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return abbreviate(string(b))
}

func abbreviate(s string) string {
	if len(s) <= 60 {
		return s
	}
	return s[:50] + "..."
}
