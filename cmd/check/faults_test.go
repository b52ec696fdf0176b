package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/qnap-glacier/qnap-glacier/internal/awsfake"
	"github.com/qnap-glacier/qnap-glacier/internal/s3sim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// allowUser lets the backup user take action, as a policy an administrator
// attached by hand would, and takes it out of the bucket policy's denials.
func allowUser(action string) func(*s3sim.Options) {
	return func(o *s3sim.Options) {
		var doc map[string]any
		if err := json.Unmarshal(o.BucketPolicy, &doc); err != nil {
			panic(err)
		}
		found := false
		for _, s := range doc["Statement"].([]any) {
			st := s.(map[string]any)
			if list, ok := st["Action"].([]any); ok && st["Effect"] == "Deny" {
				kept := slices.DeleteFunc(slices.Clone(list), func(a any) bool { return a == action })
				found = found || len(kept) < len(list)
				st["Action"] = kept
			}
		}
		if !found {
			panic(action + " is not denied by the bucket policy")
		}
		o.BucketPolicy, _ = json.Marshal(doc)
		o.Users[0].Policies = append(o.Users[0].Policies, json.RawMessage(fmt.Sprintf(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":%q,"Resource":"*"}]}`, action)))
	}
}

const vaultName = "QNAP-Glacier-Vault"

// TestEachSeededFaultGivesItsOwnFailLine seeds one fault at a time into a
// healthy deployment and checks that the check reports exactly that
// fault, on one FAIL line with its fix, and exits 1.
func TestEachSeededFaultGivesItsOwnFailLine(t *testing.T) {
	vault := func(t *testing.T, seed func(f *awsfake.Fake, v *awsfake.Vault)) *world {
		w := healthyVault(t)
		w.Fake.Mu.Lock()
		seed(w.Fake, w.Fake.Vault(region, vaultName))
		w.Fake.Mu.Unlock()
		return w
	}
	const vaultStack, bucketStack, defaultStack = "QnapGlacier-QNAP-Glacier-Vault", "QnapGlacier-holiday", "QnapGlacier-family-photos"
	for _, tc := range []struct {
		name       string
		world      func(t *testing.T) *world
		env        map[string]string
		stack      string
		check, fix string
	}{
		{
			name: "a version delete allowed",
			world: func(t *testing.T) *world {
				return newWorld(t, "bucket-protected", protectedBucketContext, true, allowUser("s3:DeleteObjectVersion"))
			},
			stack: bucketStack, check: "version delete", fix: "so that the bucket policy denies s3:DeleteObjectVersion to the backup user",
		},
		{
			name: "a governance bypass allowed",
			world: func(t *testing.T) *world {
				return newWorld(t, "bucket-protected", protectedBucketContext, true, allowUser("s3:BypassGovernanceRetention"))
			},
			stack: bucketStack, check: "governance bypass", fix: "denies s3:BypassGovernanceRetention",
		},
		{
			name: "a bucket policy change allowed",
			world: func(t *testing.T) *world {
				return newWorld(t, "bucket-protected", protectedBucketContext, true, allowUser("s3:PutBucketPolicy"))
			},
			stack: bucketStack, check: "policy change", fix: "denies s3:PutBucketPolicy",
		},
		{
			name: "versioning off",
			world: func(t *testing.T) *world {
				w := newWorld(t, "bucket-default", defaultBucketContext, true, func(o *s3sim.Options) { o.Versioning = false })
				w.Fake.ConfirmAll()
				return w
			},
			stack: defaultStack, check: "versioning", fix: "run cdk deploy " + defaultStack + " again, which turns versioning on.",
		},
		{
			name: "no default retention",
			world: func(t *testing.T) *world {
				return newWorld(t, "bucket-protected", protectedBucketContext, true, func(o *s3sim.Options) { o.DefaultRetention = nil })
			},
			stack: bucketStack, check: "object lock", fix: "which sets the default retention GOVERNANCE 365 days.",
		},
		{
			name:  "a subscription still pending",
			world: func(t *testing.T) *world { return newWorld(t, "bucket-default", defaultBucketContext, true, nil) },
			stack: defaultStack, check: "e-mail", fix: "confirm the mail sent to owner@example.com",
		},
		{
			name:  "notifications missing",
			world: func(t *testing.T) *world { return vault(t, func(_ *awsfake.Fake, v *awsfake.Vault) { v.Topic = "" }) },
			stack: vaultStack, check: "notifications", fix: "run cdk deploy " + vaultStack + " again, which sets the vault's notifications, tags and protection.",
		},
		{
			name: "the wrong topic",
			world: func(t *testing.T) *world {
				return vault(t, func(_ *awsfake.Fake, v *awsfake.Vault) { v.Topic = "arn:aws:sns:eu-west-1:111122223333:someone-else" })
			},
			stack: vaultStack, check: "notifications", fix: "run cdk deploy " + vaultStack + " again, which sets the vault's notifications, tags and protection.",
		},
		{
			name: "one event missing",
			world: func(t *testing.T) *world {
				return vault(t, func(_ *awsfake.Fake, v *awsfake.Vault) { v.Events = v.Events[:1] })
			},
			stack: vaultStack, check: "notifications", fix: "run cdk deploy " + vaultStack + " again, which sets the vault's notifications, tags and protection.",
		},
		{
			name: "a tag missing",
			world: func(t *testing.T) *world {
				return vault(t, func(_ *awsfake.Fake, v *awsfake.Vault) { delete(v.Tags, "owner") })
			},
			stack: vaultStack, check: "tags", fix: "run cdk deploy " + vaultStack + " again, which sets the vault's notifications, tags and protection.",
		},
		{
			name:  "protection missing",
			world: func(t *testing.T) *world { return vault(t, func(_ *awsfake.Fake, v *awsfake.Vault) { v.Policy = "" }) },
			stack: vaultStack, check: "protection", fix: "run cdk deploy " + vaultStack + " again, which sets the vault's notifications, tags and protection.",
		},
		{
			name: "DeleteVault allowed",
			world: func(t *testing.T) *world {
				return vault(t, func(f *awsfake.Fake, _ *awsfake.Vault) {
					for _, u := range f.Users {
						u.GlacierActions = append(u.GlacierActions, "glacier:DeleteVault")
					}
				})
			},
			stack: vaultStack, check: "vault delete", fix: "remove glacier:DeleteVault from every policy attached to the backup user",
		},
		{
			name: "a vault the stack should have created is gone",
			world: func(t *testing.T) *world {
				return vault(t, func(f *awsfake.Fake, _ *awsfake.Vault) { delete(f.Vaults[region], vaultName) })
			},
			stack: vaultStack, check: "vault", fix: "run cdk deploy " + vaultStack + " again.",
		},
		{
			name: "an account Glacier no longer serves",
			world: func(t *testing.T) *world {
				return vault(t, func(f *awsfake.Fake, _ *awsfake.Vault) { f.NoLongerSupported = true })
			},
			stack: vaultStack, check: "glacier", fix: `back up to an S3 bucket instead: move "QNAP-Glacier-Vault" from "vaults" to "buckets" in cdk.json and run cdk deploy.`,
		},
		{
			name: "the key in the secret deleted in IAM",
			world: func(t *testing.T) *world {
				return vault(t, func(f *awsfake.Fake, _ *awsfake.Vault) {
					for k := range f.Users {
						if k != awsfake.Admin {
							delete(f.Users, k)
						}
					}
				})
			},
			stack: vaultStack, check: "key", fix: "raise keySerial in cdk.json and run cdk deploy " + vaultStack,
		},
		{
			name:  "a stack not deployed",
			world: func(t *testing.T) *world { return newWorld(t, "stack-mode", stackModeContext, false, nil) },
			stack: vaultStack, check: "stack", fix: "run cdk deploy " + vaultStack + " with these credentials",
		},
		{
			name:  "a region that does not match",
			world: func(t *testing.T) *world { return healthyVault(t) },
			env:   map[string]string{"AWS_REGION": "us-east-1"},
			stack: vaultStack, check: "stack", fix: "set AWS_REGION or AWS_PROFILE to that one.",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.world(t)
			w.ExtraEnv = tc.env
			out, errOut, code := w.run(t)
			assert.Equal(t, 1, code, "exit status\n%s%s", out, errOut)
			assert.Empty(t, errOut)
			fails := statuses(out)["FAIL"]
			require.Len(t, fails, 1, "want exactly one FAIL line:\n%s", out)
			assert.True(t, strings.HasPrefix(fails[0], "FAIL    "+tc.stack+": "+tc.check+": "), "FAIL line names another check: %s", fails[0])
			_, fix, ok := strings.Cut(fails[0], " Fix: ")
			require.True(t, ok, "FAIL line without a fix: %s", fails[0])
			assert.Contains(t, fix, tc.fix)
			if tc.env["AWS_REGION"] != "" {
				assert.Contains(t, fails[0], "not deployed in "+tc.env["AWS_REGION"])
			}
			t.Log(fails[0])
		})
	}
}
