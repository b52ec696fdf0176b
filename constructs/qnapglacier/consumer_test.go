package qnapglacier_test

// The tests in this file use the package as a CDK engineer importing it
// does: only its exported API, from an app and stacks of their own. Each
// one reproduces a failure reported in issue 9, "The construct as a
// library", and fails on the code before the fix.

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tokenProps are props whose e-mail address and vault tag are CfnParameters,
// known only at deploy time; tokenTemplate synthesizes them.
var tokenProps qnapglacier.BackupUserProps

func tokenTemplate(t *testing.T) assertions.Template {
	return fixtures.Template(t, "consumer-tokens", func() awscdk.Stack {
		app := cdktest.NewApp(nil, nil)
		stack := awscdk.NewStack(app, jsii.String("Tokens"), nil)
		param := func(id string) string { return *awscdk.NewCfnParameter(stack, jsii.String(id), nil).ValueAsString() }
		tokenProps = qnapglacier.BackupUserProps{
			VaultName:    jsii.String("v"),
			VaultMode:    qnapglacier.VaultModeExisting,
			NotifyEmails: []string{param("Email")},
			VaultTags:    map[string]string{param("TagKey"): "x", "owner": param("TagValue")},
		}
		qnapglacier.NewBackupUser(stack, jsii.String("B"), &tokenProps)
		return stack
	})
}

func TestConsumerTokenEmailsAndVaultTagsAreLeftToDeployTime(t *testing.T) {
	// GIVEN props whose e-mail address, tag key and tag value are CfnParameters
	tpl := tokenTemplate(t)
	// THEN validation skips them, as it does every other token
	assert.NoError(t, tokenProps.Validate())
	// AND they reach the template as references
	cdktest.Assert(t, "the subscription's address is the parameter", func() {
		tpl.HasResourceProperties(jsii.String("AWS::SNS::Subscription"), map[string]any{
			"Protocol": "email", "Endpoint": map[string]any{"Ref": "Email"},
		})
	})
	tags := customResources(tpl)["Custom::GlacierVaultTags"]
	require.NotNil(t, tags)
	call := cdktest.SdkCall(t, tags, "Create")
	assert.Equal(t, map[string]any{
		"${TagKey}": "x", "owner": "${TagValue}", "project": "qnap-glacier", "qnap-glacier:vault": "v",
	}, call["parameters"].(map[string]any)["Tags"])
}
