package qnapglacier_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
	"github.com/stretchr/testify/assert"
)

// TestCdkNagAwsSolutionsFindsNothingUnsuppressed runs cdk-nag's
// AwsSolutions pack over one app holding a vault stack in each mode and
// two bucket stacks (one environment-agnostic with a derived bucket name,
// one with an account, a region and a given bucket name) and a budget
// stack, with every optional part switched on. Every finding the package
// accepts is suppressed on its resource with a written reason; anything
// else fails here.
func TestCdkNagAwsSolutionsFindsNothingUnsuppressed(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs cdk-nag; go test ./... runs it")
	}
	app := cdktest.NewApp(nil, nil)
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	var stacks []awscdk.Stack
	for _, mode := range qnapglacier.VaultModes() {
		stacks = append(stacks, qnapglacier.NewVaultStack(app, jsii.String("Nag-"+string(mode)), &qnapglacier.VaultStackProps{
			BackupUser: qnapglacier.BackupUserProps{
				VaultName:           jsii.String(defaultVault),
				NotifyEmails:        []string{"owner@example.com"},
				VaultMode:           mode,
				VaultTags:           map[string]string{"owner": "me"},
				ProtectArchivesDays: jsii.Number(90),
			},
		}))
	}
	bucket := qnapglacier.BackupBucketProps{
		Name:                jsii.String(defaultBucket),
		NotifyEmails:        []string{"owner@example.com"},
		StorageClass:        qnapglacier.StorageClassDeepArchive,
		ProtectArchivesDays: jsii.Number(180),
	}
	stacks = append(stacks, qnapglacier.NewBucketStack(app, jsii.String("Nag-bucket-agnostic"), &qnapglacier.BucketStackProps{BackupBucket: bucket}))
	bucket.BucketName = jsii.String("my-nas-backups")
	stacks = append(stacks, qnapglacier.NewBucketStack(app, jsii.String("Nag-bucket-placed"), &qnapglacier.BucketStackProps{
		StackProps:   awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String("111122223333"), Region: jsii.String("eu-west-1")}},
		BackupBucket: bucket,
	}))
	stacks = append(stacks, qnapglacier.NewBudgetStack(app, jsii.String("Nag-budget"), &qnapglacier.BudgetStackProps{
		CostBudget: qnapglacier.CostBudgetProps{MonthlyLimitUsd: jsii.Number(10), NotifyEmails: []string{"owner@example.com"}},
	}))
	// One synth for the whole app: assertions.Annotations_FromStack would
	// synthesize it again for each stack.
	assembly := app.Synth(nil)
	fixtures.CountSynth()
	for _, stack := range stacks {
		for _, m := range *assembly.GetStackArtifact(stack.ArtifactId()).Messages() {
			text := fmt.Sprint(m.Entry.Data)
			if strings.HasPrefix(text, "AwsSolutions-") && m.Level != cxapi.SynthesisMessageLevel_INFO {
				assert.Failf(t, "unsuppressed cdk-nag "+string(m.Level), "%s: %s: %s", *stack.StackName(), *m.Id, text)
			}
		}
	}
}
