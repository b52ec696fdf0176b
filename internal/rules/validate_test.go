package rules_test

import (
	"fmt"
	"maps"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

func TestValidateVaultName(t *testing.T) {
	cases := []struct {
		name, vault, wantErr string
	}{
		{"accepts the default", "QNAP-Glacier-Vault", ""},
		{"accepts every allowed character", "aZ09_-.", ""},
		{"accepts 255 characters", strings.Repeat("v", 255), ""},
		{"rejects an empty name", "", "empty: must be 1 to 255 characters from a-z A-Z 0-9 _ - ."},
		{"rejects a space", "my vault", `"my vault" has ' ' at position 3: must be 1 to 255 characters`},
		{"rejects 256 characters", strings.Repeat("v", 256), "is 256 characters: must be 1 to 255"},
		{"rejects a slash", "a/b", `'/' at position 2`},
		{"rejects non-ASCII", "fotos-ü", `'ü' at position 7`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := rules.ValidateVaultName(c.vault)
			if c.wantErr == "" {
				assert.NoError(t, err)
			} else if assert.Error(t, err) {
				assert.Contains(t, err.Error(), c.wantErr)
			}
		})
	}
}

func TestValidateUserName(t *testing.T) {
	cases := []struct {
		name, user, wantErr string
	}{
		{"accepts IAM's characters", "nas+backup=1,a.b@c_d-e", ""},
		{"accepts 64 characters", strings.Repeat("u", 64), ""},
		{"rejects an empty name", "", "empty: must be 1 to 64 characters"},
		{"rejects 65 characters", strings.Repeat("u", 65), "is 65 characters: must be 1 to 64"},
		{"rejects a space", "nas user", `' ' at position 4`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := rules.ValidateUserName(c.user)
			if c.wantErr == "" {
				assert.NoError(t, err)
			} else if assert.Error(t, err) {
				assert.Contains(t, err.Error(), c.wantErr)
			}
		})
	}
}

func TestValidateKeySerial(t *testing.T) {
	for _, ok := range []float64{0, 1, 2, math.MaxInt32} {
		assert.NoError(t, rules.ValidateKeySerial(ok), "serial %v", ok)
	}
	for _, bad := range []float64{-1, 1.5, math.NaN(), math.Inf(1), math.MaxInt32 + 1} {
		err := rules.ValidateKeySerial(bad)
		if assert.Error(t, err, "serial %v", bad) {
			assert.Contains(t, err.Error(), "must be a whole number from 0 to 2147483647")
		}
	}
}

func TestValidateNotifyEmailsChecksEachAddress(t *testing.T) {
	for _, ok := range []string{"owner@example.com", "first.last+nas@mail.example.org"} {
		assert.NoError(t, rules.ValidateNotifyEmails([]string{ok}), ok)
	}
	for _, bad := range []string{"", "owner", "owner@", "@example.com", "owner@localhost",
		"Owner <owner@example.com>", " owner@example.com", "a b@example.com", "owner@example.com,x@example.com"} {
		err := rules.ValidateNotifyEmails([]string{bad})
		if assert.Error(t, err, "%q", bad) {
			assert.Contains(t, err.Error(), "is not an e-mail address: must look like name@example.com")
		}
	}
}

func TestValidateProtectArchivesDays(t *testing.T) {
	for _, ok := range []float64{0, 1, 90, 36500} {
		assert.NoError(t, rules.ValidateProtectArchivesDays(ok), "%v", ok)
	}
	for _, bad := range []float64{-3, 0.5, 36501, math.NaN()} {
		assert.ErrorContains(t, rules.ValidateProtectArchivesDays(bad), "must be a whole number of days from 0 (off) to 36500", "%v", bad)
	}
}

func TestValidateVaultTags(t *testing.T) {
	many := map[string]string{}
	for i := range 49 {
		many[fmt.Sprintf("k%02d", i)] = "v"
	}
	cases := []struct {
		name    string
		tags    map[string]string
		wantErr string
	}{
		{"accepts none", nil, ""},
		{"accepts AWS's characters", map[string]string{"Owner Name": "Ana María +1 @home:/a=b_c.d-e"}, ""},
		{"accepts an empty value", map[string]string{"flag": ""}, ""},
		{"accepts 48 tags", func() map[string]string { m := maps.Clone(many); delete(m, "k00"); return m }(), ""},
		{"rejects 49 tags", many, "49 tags: at most 48"},
		{"rejects an empty key", map[string]string{"": "v"}, `key "": must be 1 to 128 characters`},
		{"rejects a 129-character key", map[string]string{strings.Repeat("k", 129): "v"}, "must be 1 to 128 characters"},
		{"rejects an aws: key", map[string]string{"AWS:x": "v"}, `key "AWS:x": must not start with "aws:"`},
		{"rejects a key the stack sets", map[string]string{"project": "x"}, `key "project": the stack sets this tag itself`},
		{"rejects a bad key character", map[string]string{"a*b": "v"}, `key "a*b" has '*' at position 2`},
		{"rejects a 257-character value", map[string]string{"k": strings.Repeat("v", 257)}, `value of "k": 257 characters`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := rules.ValidateVaultTags(c.tags, nil)
			if c.wantErr == "" {
				assert.NoError(t, err)
			} else {
				assert.ErrorContains(t, err, c.wantErr)
			}
		})
	}
}

func TestValidateBucketName(t *testing.T) {
	cases := []struct {
		name, bucket, wantErr string
	}{
		{"accepts a plain name", "family-photos", ""},
		{"accepts digits and 3 characters", "a1b", ""},
		{"accepts 63 characters", strings.Repeat("b", 63), ""},
		{"accepts a double hyphen inside", "my--photos", ""},
		{"rejects capitals", "Family-Photos", `"Family-Photos" has 'F' at position 1: must be 3 to 63 characters from a-z 0-9 -`},
		{"rejects an underscore", "family_photos", `'_' at position 7`},
		{"rejects 2 characters", "ab", `"ab" is 2 characters: must be 3 to 63`},
		{"rejects 64 characters", strings.Repeat("b", 64), "is 64 characters: must be 3 to 63"},
		{"rejects an IP address", "192.168.5.4", "in the form of an IP address"},
		{"rejects a dot", "family.photos", "'.' at position 7: a dot breaks HTTPS"},
		{"rejects a leading hyphen", "-photos", "starts or ends with '-'"},
		{"rejects a trailing hyphen", "photos-", "starts or ends with '-'"},
		{"rejects the xn-- prefix", "xn--photos", `starts with "xn--", which S3 reserves`},
		{"rejects the sthree- prefix", "sthree-photos", `starts with "sthree-"`},
		{"rejects the -s3alias suffix", "photos-s3alias", `ends with "-s3alias", which S3 reserves`},
		{"rejects the --ol-s3 suffix", "photos--ol-s3", `ends with "--ol-s3"`},
		{"rejects a space", "my photos", `' ' at position 3`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := rules.ValidateBucketName(c.bucket)
			if c.wantErr == "" {
				assert.NoError(t, err)
			} else if assert.Error(t, err) {
				assert.Contains(t, err.Error(), c.wantErr)
			}
		})
	}
}

func TestValidateBucketDaysAndClass(t *testing.T) {
	cases := []struct {
		name    string
		err     error
		wantErr string
	}{
		{"accepts GLACIER_IR", rules.ValidateStorageClass("GLACIER_IR"), ""},
		{"accepts GLACIER", rules.ValidateStorageClass("GLACIER"), ""},
		{"accepts DEEP_ARCHIVE", rules.ValidateStorageClass("DEEP_ARCHIVE"), ""},
		{"rejects STANDARD, not an archive class", rules.ValidateStorageClass("STANDARD"), `"STANDARD" is not an archive storage class: must be one of GLACIER_IR, GLACIER, DEEP_ARCHIVE`},
		{"rejects a class in lower case", rules.ValidateStorageClass("glacier"), `"glacier" is not an archive storage class`},
		{"accepts archiving at once", rules.ValidateArchiveAfterDays(0), ""},
		{"rejects negative archive days", rules.ValidateArchiveAfterDays(-1), "-1: must be a whole number of days from 0 to 36500"},
		{"rejects fractional archive days", rules.ValidateArchiveAfterDays(1.5), "1.5: must be a whole number"},
		{"accepts keeping deleted versions a day", rules.ValidateKeepDeletedDays(1), ""},
		{"rejects keeping deleted versions 0 days", rules.ValidateKeepDeletedDays(0), "0: must be a whole number of days from 1 to 36500"},
		{"rejects fractional keep days", rules.ValidateKeepDeletedDays(90.5), "90.5: must be a whole number"},
		{"rejects keep days past 100 years", rules.ValidateKeepDeletedDays(36501), "36501: must be"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.wantErr == "" {
				assert.NoError(t, c.err)
			} else if assert.Error(t, c.err) {
				assert.Contains(t, c.err.Error(), c.wantErr)
			}
		})
	}
}

func TestValidateMonthlyBudgetUsd(t *testing.T) {
	for _, ok := range []float64{0.01, 1, 12.5, 12.34, 100000} {
		assert.NoError(t, rules.ValidateMonthlyBudgetUsd(ok), ok)
	}
	for bad, want := range map[float64]string{
		0:         "0: must be more than 0",
		-1:        "-1: must be more than 0",
		12.345:    "12.345 has 3 decimals: must be",
		0.001:     "0.001 has 3 decimals: must be",
		100000.01: "100000.01: must be more than 0 and at most 100000 US dollars",
		1e12:      "1e+12: must be",
	} {
		err := rules.ValidateMonthlyBudgetUsd(bad)
		if assert.Error(t, err, bad) {
			assert.True(t, strings.HasPrefix(err.Error(), want), err.Error())
		}
	}
}
