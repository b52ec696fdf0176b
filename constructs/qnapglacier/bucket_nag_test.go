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

// TestCdkNagAwsSolutionsFindsNothingUnsuppressedInBucketStacks runs
// cdk-nag's AwsSolutions pack over bucket stacks with every optional part
// switched on: one environment-agnostic with a derived bucket name, one
// with an account and region and a given bucket name. Every finding the
// package accepts is suppressed on its resource with a written reason.
func TestCdkNagAwsSolutionsFindsNothingUnsuppressedInBucketStacks(t *testing.T) {
	app := cdktest.NewApp(nil, nil)
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	props := qnapglacier.BackupBucketProps{
		Name:                jsii.String(defaultBucket),
		NotifyEmails:        []string{"owner@example.com"},
		StorageClass:        qnapglacier.StorageClassDeepArchive,
		ProtectArchivesDays: jsii.Number(180),
	}
	agnostic := qnapglacier.NewBucketStack(app, jsii.String("Nag-agnostic"), &qnapglacier.BucketStackProps{BackupBucket: props})
	props.BucketName = jsii.String("my-nas-backups")
	placed := qnapglacier.NewBucketStack(app, jsii.String("Nag-placed"), &qnapglacier.BucketStackProps{
		StackProps:   awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String("111122223333"), Region: jsii.String("eu-west-1")}},
		BackupBucket: props,
	})
	assembly := app.Synth(nil)
	fixtures.CountSynth()
	for _, stack := range []awscdk.Stack{agnostic, placed} {
		for _, m := range *assembly.GetStackArtifact(stack.ArtifactId()).Messages() {
			text := fmt.Sprint(m.Entry.Data)
			if strings.HasPrefix(text, "AwsSolutions-") && m.Level != cxapi.SynthesisMessageLevel_INFO {
				assert.Failf(t, "unsuppressed cdk-nag "+string(m.Level), "%s: %s: %s", *stack.StackName(), *m.Id, text)
			}
		}
	}
}
