package qnapglacier_test

// The tests in this file use the package as a CDK engineer importing it
// does: only its exported API, from an app and stacks of their own. Each
// one reproduces a failure reported in issue 9, "The construct as a
// library", and fails on the code before the fix.

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
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
		watched := tokenProps
		watched.VaultName, watched.VaultMode, watched.NotifyEmails = jsii.String("w"), qnapglacier.VaultModeApp, nil
		qnapglacier.NewBackupUser(stack, jsii.String("W"), &watched)
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
	// AND in app mode the watcher gets them the same way
	fn := cdktest.Resources(tpl, "AWS::Lambda::Function")[logicalIDOf(t, tpl, "AWS::Lambda::Function", "WVault")]
	env := cdktest.Props(fn)["Environment"].(map[string]any)["Variables"].(map[string]any)
	assert.JSONEq(t, `{"${TagKey}":"x","owner":"${TagValue}","project":"qnap-glacier","qnap-glacier:vault":"w"}`,
		cdktest.Flatten(t, env["TAGS"]))
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
	// GIVEN a vault's BackupUser or a BackupBucket whose secret is
	// encrypted with the caller's key
	for name, build := range map[string]func(stack awscdk.Stack, key awskms.IKey) awssecretsmanager.Secret{
		"vault": func(stack awscdk.Stack, key awskms.IKey) awssecretsmanager.Secret {
			return qnapglacier.NewBackupUser(stack, jsii.String("B"), &qnapglacier.BackupUserProps{
				VaultName: jsii.String("v"), SecretEncryptionKey: key,
			}).Secret()
		},
		"bucket": func(stack awscdk.Stack, key awskms.IKey) awssecretsmanager.Secret {
			return qnapglacier.NewBackupBucket(stack, jsii.String("B"), &qnapglacier.BackupBucketProps{
				Name: jsii.String("shared-photos"), SecretEncryptionKey: key,
			}).Secret()
		},
	} {
		t.Run(name, func(t *testing.T) {
			tpl := fixtures.Template(t, "consumer-cross-account-"+name, func() awscdk.Stack {
				app := cdktest.NewApp(nil, nil)
				stack := awscdk.NewStack(app, jsii.String("CrossAccount"), &awscdk.StackProps{Env: consumerEnv})
				key := awskms.NewKey(stack, jsii.String("Key"), &awskms.KeyProps{EnableKeyRotation: jsii.Bool(true)})
				// WHEN the secret is granted to another account
				build(stack, key).GrantRead(awsiam.NewAccountPrincipal(jsii.String(otherAccount)), nil)
				return stack
			})
			// THEN the secret uses that key, and both the secret's and the
			// key's policies let the other account read
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
		})
	}
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
	// resource there is (app mode has none: the NAS creates the vault later)
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
		if mode != qnapglacier.VaultModeApp {
			assert.NotEmpty(t, crs, mode)
		}
	}
}

// glacierPublish is the statement that lets Glacier publish to a topic for
// the vault's account, as every topic a BackupUser uses must have.
func glacierPublish(topicID string) map[string]any {
	return map[string]any{
		"Sid": "AllowGlacierPublish", "Effect": "Allow", "Principal": map[string]any{"Service": "glacier.amazonaws.com"},
		"Action": "sns:Publish", "Resource": map[string]any{"Ref": topicID},
		"Condition": map[string]any{"StringEquals": map[string]any{"AWS:SourceOwner": map[string]any{"Ref": "AWS::AccountId"}}},
	}
}

// callerTopicsApp has a BackupUser with a topic of the caller's that
// lacks Glacier's permission, one whose topic already has it, and one with
// an imported topic.
func callerTopicsApp(t *testing.T) map[string]assertions.Template {
	return fixtures.App(t, "consumer-caller-topics", func() awscdk.App {
		app := cdktest.NewApp(nil, nil)
		stack := awscdk.NewStack(app, jsii.String("CallerTopics"), nil)
		bare := awssns.NewTopic(stack, jsii.String("Bare"), nil)
		qnapglacier.NewBackupUser(stack, jsii.String("OnBare"), &qnapglacier.BackupUserProps{VaultName: jsii.String("a"), Topic: bare})

		own := awssns.NewTopic(stack, jsii.String("Own"), nil)
		own.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("CallersGlacierStatement"),
			Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("glacier.amazonaws.com"), nil)},
			Actions:    jsii.Strings("sns:Publish"),
			Resources:  &[]*string{own.TopicArn()},
		}))
		qnapglacier.NewBackupUser(stack, jsii.String("OnOwn"), &qnapglacier.BackupUserProps{VaultName: jsii.String("b"), Topic: own})

		imported := awssns.Topic_FromTopicArn(stack, jsii.String("Imported"), jsii.String("arn:aws:sns:eu-west-1:111122223333:shared"))
		qnapglacier.NewBackupUser(stack, jsii.String("OnImported"), &qnapglacier.BackupUserProps{VaultName: jsii.String("c"), Topic: imported})
		callerTopicsWarnings = warningsUnder(stack)
		return app
	})
}

// callerTopicsWarnings are the warnings callerTopicsApp's constructs carry.
var callerTopicsWarnings map[string][]string

// warningsUnder returns the warnings on root and every construct under it,
// by construct path, as they stand before synthesis.
func warningsUnder(root constructs.IConstruct) map[string][]string {
	out := map[string][]string{}
	for _, c := range *root.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		for _, m := range *c.Node().Metadata() {
			if *m.Type == "aws:cdk:warning" {
				out[*c.Node().Path()] = append(out[*c.Node().Path()], fmt.Sprint(m.Data))
			}
		}
	}
	return out
}

// logicalIDOf returns the logical ID of the one resource of type typ whose
// logical ID starts with prefix, the readable part the CDK derives from the
// construct path (the rest is a hash that tests do not hard-code).
func logicalIDOf(t *testing.T, tpl assertions.Template, typ, prefix string) string {
	t.Helper()
	var found []string
	for id := range cdktest.Resources(tpl, typ) {
		if strings.HasPrefix(id, prefix) {
			found = append(found, id)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %s whose logical ID starts with %s, found %v", typ, prefix, found)
	}
	return found[0]
}

// topicPolicies returns each topic policy's statements by the logical ID
// of the one topic it is for.
func topicPolicies(t *testing.T, tpl assertions.Template) map[string][]any {
	out := map[string][]any{}
	for id, p := range cdktest.Resources(tpl, "AWS::SNS::TopicPolicy") {
		topics := cdktest.Props(p)["Topics"].([]any)
		require.Len(t, topics, 1, id)
		out[topics[0].(map[string]any)["Ref"].(string)] = cdktest.Props(p)["PolicyDocument"].(map[string]any)["Statement"].([]any)
	}
	return out
}

func TestConsumerTopicGetsGlacierPermission(t *testing.T) {
	// GIVEN a caller's topic with no policy at all
	tpl := callerTopicsApp(t)["CallerTopics"]
	require.NotNil(t, tpl)
	// THEN the BackupUser adds the statement its own topic gets
	bareID := logicalIDOf(t, tpl, "AWS::SNS::Topic", "Bare")
	assert.Equal(t, []any{glacierPublish(bareID)}, topicPolicies(t, tpl)[bareID])
}

func TestConsumerTopicThatAllowsGlacierIsLeftAlone(t *testing.T) {
	// GIVEN a caller's topic whose policy already lets Glacier publish
	tpl := callerTopicsApp(t)["CallerTopics"]
	require.NotNil(t, tpl)
	ownID := logicalIDOf(t, tpl, "AWS::SNS::Topic", "Own")
	// THEN its policy holds only the caller's statement
	statements := topicPolicies(t, tpl)[ownID]
	require.Len(t, statements, 1)
	assert.Equal(t, "CallersGlacierStatement", statements[0].(map[string]any)["Sid"])
}

func TestConsumerImportedTopicGetsAWarningSayingWhatToDo(t *testing.T) {
	// GIVEN BackupUsers on an imported topic, on a caller's topic and on one
	// that already allows Glacier
	callerTopicsApp(t)
	warnings := callerTopicsWarnings
	// THEN only the one on the imported topic warns, naming the topic and
	// what its policy must allow
	assert.Equal(t, []string{"CallerTopics/OnImported"}, keys(warnings))
	if w := warnings["CallerTopics/OnImported"]; assert.Len(t, w, 1) {
		for _, part := range []string{"arn:aws:sns:eu-west-1:111122223333:shared", "glacier.amazonaws.com", "sns:Publish", "AWS:SourceOwner", qnapglacier.TopicPolicyWarning} {
			assert.Contains(t, w[0], part)
		}
	}
}

// sharedTopicsApp has pairs of BackupUsers that share a topic and an
// address: on a caller's topic, on another BackupUser's own topic, on an
// imported topic, and on a topic in another stack.
func sharedTopicsApp(t *testing.T) map[string]assertions.Template {
	return fixtures.App(t, "consumer-shared-topics", func() awscdk.App {
		app := cdktest.NewApp(nil, nil)
		stack := awscdk.NewStack(app, jsii.String("Shared"), nil)
		user := func(scope constructs.Construct, id string, topic awssns.ITopic, emails ...string) qnapglacier.BackupUser {
			return qnapglacier.NewBackupUser(scope, jsii.String(id), &qnapglacier.BackupUserProps{
				VaultName: jsii.String(id), Topic: topic, NotifyEmails: emails,
			})
		}
		callers := awssns.NewTopic(stack, jsii.String("Callers"), nil)
		user(stack, "A1", callers, "x@example.com", "y@example.com")
		user(stack, "A2", callers, "Y@example.com", "z@example.com")

		first := user(stack, "B1", nil, "x@example.com")
		user(stack, "B2", first.Topic(), "x@example.com")

		imported := awssns.Topic_FromTopicArn(stack, jsii.String("Imported"), jsii.String("arn:aws:sns:eu-west-1:111122223333:shared"))
		user(stack, "C1", imported, "x@example.com")
		user(stack, "C2", imported, "x@example.com")

		other := awssns.NewTopic(awscdk.NewStack(app, jsii.String("Topics"), nil), jsii.String("Other"), nil)
		users := awscdk.NewStack(app, jsii.String("Users"), nil)
		user(users, "D1", other, "x@example.com")
		user(users, "D2", other, "x@example.com")
		return app
	})
}

// subscriptions returns the e-mail addresses subscribed in tpl, by topic
// (a topic's logical ID, or the ARN of an imported one), and the logical
// IDs of the subscriptions.
func subscriptions(t *testing.T, tpl assertions.Template) (byTopic map[string][]string, ids []string) {
	byTopic = map[string][]string{}
	for id, s := range cdktest.Resources(tpl, "AWS::SNS::Subscription") {
		p := cdktest.Props(s)
		assert.Equal(t, "email", p["Protocol"])
		topic := cdktest.Flatten(t, p["TopicArn"])
		byTopic[topic] = append(byTopic[topic], p["Endpoint"].(string))
		ids = append(ids, id)
	}
	for _, emails := range byTopic {
		sort.Strings(emails)
	}
	return byTopic, ids
}

func TestConsumerSharedTopicGetsOneSubscriptionPerAddress(t *testing.T) {
	// GIVEN pairs of BackupUsers that share a topic and an address
	tpls := sharedTopicsApp(t)
	shared := tpls["Shared"]
	require.NotNil(t, shared)
	// THEN each address is subscribed to each topic once, whoever asked
	// first, in any letter case
	got, ids := subscriptions(t, shared)
	callers := logicalIDOf(t, shared, "AWS::SNS::Topic", "Callers")
	first := logicalIDOf(t, shared, "AWS::SNS::Topic", "B1Topic")
	assert.Equal(t, map[string][]string{
		"${" + callers + "}":                        {"x@example.com", "y@example.com", "z@example.com"},
		"${" + first + "}":                          {"x@example.com"},
		"arn:aws:sns:eu-west-1:111122223333:shared": {"x@example.com"},
	}, got)
	// AND the subscription to a BackupUser's own topic stays where it has
	// always been, so its logical ID does not change
	assert.Contains(t, strings.Join(ids, " "), "B1Email")

	// AND a topic in another stack gets its subscription in its own stack,
	// once
	other, _ := subscriptions(t, tpls["Topics"])
	assert.Equal(t, map[string][]string{"${" + logicalIDOf(t, tpls["Topics"], "AWS::SNS::Topic", "Other") + "}": {"x@example.com"}}, other)
	users, _ := subscriptions(t, tpls["Users"])
	assert.Empty(t, users)
}

// recovered runs f and returns what it panicked with, or nil.
func recovered(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

func TestConsumerPanicNamesTheConstructThatFailed(t *testing.T) {
	// GIVEN BackupUsers built in a loop, one of them with a bad address
	app := cdktest.NewApp(nil, nil)
	stack := awscdk.NewStack(app, jsii.String("Loop"), nil)
	users := constructs.NewConstruct(stack, jsii.String("Users"))
	var bad *qnapglacier.BackupUserProps
	r := recovered(func() {
		for i, email := range []string{"a@example.com", "nope", "c@example.com"} {
			props := &qnapglacier.BackupUserProps{VaultName: jsii.String(fmt.Sprint("vault-", i)), NotifyEmails: []string{email}}
			bad = props
			qnapglacier.NewBackupUser(users, jsii.String(fmt.Sprint("User", i)), props)
		}
	})
	// THEN the panic names the one that failed by its construct path
	err, ok := r.(error)
	require.True(t, ok, "panics with an error, got %v", r)
	assert.EqualError(t, err, `Loop/Users/User1: NotifyEmails: "nope" is not an e-mail address: must look like name@example.com`)
	// AND Validate gives the same problem as an error, for callers who want
	// no panic
	assert.EqualError(t, errors.Unwrap(err), bad.Validate().Error())

	// AND NewVaultStack names its stack
	r = recovered(func() {
		qnapglacier.NewVaultStack(app, jsii.String("BadStack"), &qnapglacier.VaultStackProps{
			BackupUser: qnapglacier.BackupUserProps{VaultName: jsii.String("my vault")},
		})
	})
	err, ok = r.(error)
	require.True(t, ok, "panics with an error, got %v", r)
	assert.True(t, strings.HasPrefix(err.Error(), `BadStack: BackupUser.VaultName: "my vault" has ' '`), err.Error(), "the field path within the stack's props")
}

func TestConsumerCannotWidenTheVaultModes(t *testing.T) {
	// GIVEN a caller who changes the list of vault modes
	modes := qnapglacier.VaultModes()
	modes[0] = "bogus"
	// WHEN they ask for that mode
	app := cdktest.NewApp(nil, nil)
	stack := awscdk.NewStack(app, jsii.String("Modes"), nil)
	r := recovered(func() {
		qnapglacier.NewBackupUser(stack, jsii.String("B"), &qnapglacier.BackupUserProps{VaultName: jsii.String("v"), VaultMode: "bogus"})
	})
	// THEN NewBackupUser still rejects it
	err, ok := r.(error)
	require.True(t, ok, "panics with an error, got %v", r)
	assert.EqualError(t, err, `Modes/B: VaultMode: "bogus" is not a vault mode: must be one of app, existing, stack`)
}

func TestConsumerAppModeUserOnAnotherStacksBackupUserTopicIsRefusedByName(t *testing.T) {
	// GIVEN a BackupUser's topic in one stack
	app := cdktest.NewApp(nil, nil)
	first := qnapglacier.NewBackupUser(awscdk.NewStack(app, jsii.String("First"), nil), jsii.String("B1"),
		&qnapglacier.BackupUserProps{VaultName: jsii.String("v1")})
	second := awscdk.NewStack(app, jsii.String("Second"), nil)
	// WHEN an app-mode BackupUser in another stack is given it
	r := recovered(func() {
		qnapglacier.NewBackupUser(second, jsii.String("B2"), &qnapglacier.BackupUserProps{VaultName: jsii.String("v2"), Topic: first.Topic()})
	})
	// THEN it is refused with the setting and both stacks named, instead of
	// a dependency cycle between the stacks at synth
	err, ok := r.(error)
	require.True(t, ok, "panics with an error, got %v", r)
	assert.EqualError(t, err, "Second/B2: Topic: First/B1/Topic is the topic of a BackupUser in stack First, not in this one "+
		"(Second): in app mode this BackupUser's watcher alarm publishes to it, and the statement that lets it would make "+
		"the two stacks depend on each other; put the two BackupUsers in one stack, or give a topic of your own, whose "+
		"policy must then let cloudwatch.amazonaws.com publish")
	// AND in existing mode, with no watcher, the same topic is taken
	assert.Nil(t, recovered(func() {
		qnapglacier.NewBackupUser(second, jsii.String("B3"), &qnapglacier.BackupUserProps{
			VaultName: jsii.String("v3"), Topic: first.Topic(), VaultMode: qnapglacier.VaultModeExisting,
		})
		app.Synth(nil)
	}))
}
