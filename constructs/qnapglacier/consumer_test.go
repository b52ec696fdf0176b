package qnapglacier_test

// The tests in this file use the package as a CDK engineer importing it
// does: only its exported API, from an app and stacks of their own. Each
// one reproduces a failure reported in issue 9, "The construct as a
// library", and fails on the code before the fix.

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
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

// consumerEnv is a concrete environment: cross-account checks compare
// accounts, which an environment-agnostic stack does not know.
var consumerEnv = &awscdk.Environment{Account: jsii.String("111122223333"), Region: jsii.String("eu-west-1")}

const otherAccount = "444455556666"

// otherRoot is the other account's root principal as CloudFormation builds it.
var otherRoot = map[string]any{"Fn::Join": []any{"", []any{
	"arn:", map[string]any{"Ref": "AWS::Partition"}, ":iam::" + otherAccount + ":root",
}}}

func TestConsumerSharesTheSecretWithAnotherAccountThroughItsOwnKey(t *testing.T) {
	// GIVEN a BackupUser whose secret is encrypted with the caller's key
	tpl := fixtures.Template(t, "consumer-cross-account", func() awscdk.Stack {
		app := cdktest.NewApp(nil, nil)
		stack := awscdk.NewStack(app, jsii.String("CrossAccount"), &awscdk.StackProps{Env: consumerEnv})
		key := awskms.NewKey(stack, jsii.String("Key"), &awskms.KeyProps{EnableKeyRotation: jsii.Bool(true)})
		b := qnapglacier.NewBackupUser(stack, jsii.String("B"), &qnapglacier.BackupUserProps{
			VaultName: jsii.String("v"), SecretEncryptionKey: key,
		})
		// WHEN the secret is granted to another account
		b.Secret().GrantRead(awsiam.NewAccountPrincipal(jsii.String(otherAccount)), nil)
		return stack
	})
	// THEN the secret uses that key, and both the secret's and the key's
	// policies let the other account read
	keyID, _ := cdktest.Only(t, tpl, "AWS::KMS::Key")
	cdktest.Assert(t, "secret encrypted with the caller's key", func() {
		tpl.HasResourceProperties(jsii.String("AWS::SecretsManager::Secret"), map[string]any{
			"KmsKeyId": map[string]any{"Fn::GetAtt": []any{keyID, "Arn"}},
		})
	})
	cdktest.Assert(t, "secret's resource policy names the other account", func() {
		tpl.HasResourceProperties(jsii.String("AWS::SecretsManager::ResourcePolicy"), map[string]any{
			"ResourcePolicy": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Action":    assertions.Match_ArrayWith(&[]any{"secretsmanager:GetSecretValue"}),
				"Principal": map[string]any{"AWS": otherRoot},
			})})},
		})
	})
	cdktest.Assert(t, "key policy lets the other account decrypt", func() {
		tpl.HasResourceProperties(jsii.String("AWS::KMS::Key"), map[string]any{
			"KeyPolicy": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Action":    "kms:Decrypt",
				"Principal": map[string]any{"AWS": otherRoot},
			})})},
		})
	})
}

func TestSecretUsesTheAWSManagedKeyByDefault(t *testing.T) {
	cdktest.Assert(t, "no KmsKeyId", func() {
		defaultTemplate(t).HasResourceProperties(jsii.String("AWS::SecretsManager::Secret"), map[string]any{
			"KmsKeyId": assertions.Match_Absent(),
		})
	})
}

func TestConsumerCanDependOnTheVaultConfigInEveryMode(t *testing.T) {
	// GIVEN one stack per mode, each with a resource that must wait for the
	// vault to be configured
	tpls := fixtures.App(t, "consumer-depend", func() awscdk.App {
		app := cdktest.NewApp(nil, nil)
		for _, mode := range qnapglacier.VaultModes() {
			stack := awscdk.NewStack(app, jsii.String("Depend-"+string(mode)), nil)
			b := qnapglacier.NewBackupUser(stack, jsii.String("B"), &qnapglacier.BackupUserProps{
				VaultName: jsii.String("v"), VaultMode: mode,
			})
			after := awscdk.NewCfnWaitConditionHandle(stack, jsii.String("After"), nil)
			// WHEN it depends on the vault config
			after.Node().AddDependency(b.VaultConfig())
		}
		return app
	})
	// THEN every mode synthesizes, and the resource waits for every custom
	// resource there is (none in app mode)
	for _, mode := range qnapglacier.VaultModes() {
		tpl := tpls["Depend-"+string(mode)]
		require.NotNil(t, tpl, mode)
		_, after := cdktest.Only(t, tpl, "AWS::CloudFormation::WaitConditionHandle")
		var deps []any
		if d, ok := after["DependsOn"].([]any); ok {
			deps = d
		}
		crs := customResources(tpl)
		for _, r := range crs {
			assert.Contains(t, deps, r["LogicalId"], mode)
		}
		if mode == qnapglacier.VaultModeApp {
			assert.Empty(t, crs)
			assert.Empty(t, deps, "nothing to wait for in app mode")
		} else {
			assert.NotEmpty(t, crs, mode)
		}
	}
}
