package qnapglacier_test

import (
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/stretchr/testify/assert"
)

// Every props type validates itself: every problem at once, one line each,
// each naming its field path. No synth: Validate needs no construct.
func TestPropsValidateNamesEveryProblemsFieldPath(t *testing.T) {
	for _, c := range []struct {
		name  string
		props interface{ Validate() error }
		want  []string // the start of each line, in order
	}{
		{"vault stack: nested fields", &qnapglacier.VaultStackProps{BackupUser: qnapglacier.BackupUserProps{
			VaultName: jsii.String("my vault"),
			VaultTags: map[string]string{"aws:x": "1", "k": "bad|"},
		}}, []string{
			`BackupUser.VaultName: "my vault" has ' '`,
			`BackupUser.VaultTags: key "aws:x": must not start with "aws:"`,
			`BackupUser.VaultTags: value of "k" has '|'`,
		}},
		{"vault stack: nothing given", &qnapglacier.VaultStackProps{}, []string{"BackupUser.VaultName: required"}},
		{"vault stack: nil", (*qnapglacier.VaultStackProps)(nil), []string{"props: required"}},
		{"backup user: each tag problem is a line", &qnapglacier.BackupUserProps{
			VaultName: jsii.String("v"), VaultTags: map[string]string{"project": "x", "aws:y": "z"},
		}, []string{`VaultTags: key "aws:y"`, `VaultTags: key "project": the stack sets this tag itself`}},
		{"bucket stack", &qnapglacier.BucketStackProps{BackupBucket: qnapglacier.BackupBucketProps{
			Name: jsii.String("photos"), ProtectArchivesDays: jsii.Number(-1), StorageClass: "STANDARD",
		}}, []string{
			`BackupBucket.StorageClass: "STANDARD" is not an archive storage class`,
			`BackupBucket.ProtectArchivesDays: -1: must be a whole number of days from 0 (off) to 36500`,
		}},
		{"bucket stack: nil", (*qnapglacier.BucketStackProps)(nil), []string{"props: required"}},
		{"backup bucket", &qnapglacier.BackupBucketProps{Name: jsii.String("ab"), KeepDeletedDays: jsii.Number(30), ProtectArchivesDays: jsii.Number(60)},
			[]string{`Name: "ab" is 2 characters`, "KeepDeletedDays: 30 is shorter than ProtectArchivesDays 60"}},
		{"budget stack", &qnapglacier.BudgetStackProps{CostBudget: qnapglacier.CostBudgetProps{
			MonthlyLimitUsd: jsii.Number(0), NotifyEmails: []string{"nope", "x@example.com", "X@example.com"},
		}}, []string{
			"CostBudget.MonthlyLimitUsd: 0: must be more than 0",
			`CostBudget.NotifyEmails: "nope" is not an e-mail address`,
			`CostBudget.NotifyEmails: "X@example.com" is listed twice`,
		}},
		{"cost budget: nothing given", &qnapglacier.CostBudgetProps{}, []string{
			"MonthlyLimitUsd: required", "NotifyEmails: no e-mail address",
		}},
		{"cost budget: nil", (*qnapglacier.CostBudgetProps)(nil), []string{"props: required"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.props.Validate()
			if !assert.Error(t, err) {
				return
			}
			lines := strings.Split(err.Error(), "\n")
			if !assert.Len(t, lines, len(c.want), err.Error()) {
				return
			}
			for i, w := range c.want {
				assert.True(t, strings.HasPrefix(lines[i], w), "line %d: %q should start with %q", i, lines[i], w)
			}
		})
	}
}

func TestPropsValidateAcceptsGoodProps(t *testing.T) {
	for name, props := range map[string]interface{ Validate() error }{
		"vault stack":  &qnapglacier.VaultStackProps{BackupUser: qnapglacier.BackupUserProps{VaultName: jsii.String("Family-Photos")}},
		"bucket stack": &qnapglacier.BucketStackProps{BackupBucket: qnapglacier.BackupBucketProps{Name: jsii.String("family-photos")}},
		"budget stack": &qnapglacier.BudgetStackProps{CostBudget: qnapglacier.CostBudgetProps{
			MonthlyLimitUsd: jsii.Number(5), NotifyEmails: []string{"me@example.com"},
		}},
	} {
		assert.NoError(t, props.Validate(), name)
	}
}
