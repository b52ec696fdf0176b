package qnapglacier_test

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
	"github.com/qnap-glacier/qnap-glacier/internal/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const defaultVault = "QNAP-Glacier-Vault"

// vaultStack builds a one-vault stack in its own app, environment-agnostic.
func vaultStack(props qnapglacier.BackupUserProps) awscdk.Stack {
	app := cdktest.NewApp(nil, nil)
	return qnapglacier.NewVaultStack(app, jsii.String("Test"), &qnapglacier.VaultStackProps{BackupUser: props})
}

func defaultTemplate(t *testing.T) assertions.Template {
	return fixtures.Template(t, "default", func() awscdk.Stack {
		return vaultStack(qnapglacier.BackupUserProps{VaultName: jsii.String(defaultVault)})
	})
}

const overriddenVault = "Photos_2024.archive"

func overriddenTemplate(t *testing.T) assertions.Template {
	return fixtures.Template(t, "overridden", func() awscdk.Stack {
		return vaultStack(qnapglacier.BackupUserProps{
			VaultName:    jsii.String(overriddenVault),
			UserName:     jsii.String("nas-backup"),
			UserPath:     jsii.String("/nas/"),
			KeySerial:    jsii.Number(3),
			NotifyEmails: []string{"owner@example.com", "partner@example.org"},
		})
	})
}

// vaultArn is the vault ARN as CloudFormation builds it in an
// environment-agnostic stack: partition, region and account all from the
// stack, never a literal "arn:aws".
func vaultArn(vault string) map[string]any {
	return map[string]any{"Fn::Join": []any{"", []any{
		"arn:", map[string]any{"Ref": "AWS::Partition"},
		":glacier:", map[string]any{"Ref": "AWS::Region"},
		":", map[string]any{"Ref": "AWS::AccountId"},
		":vaults/" + vault,
	}}}
}

// referencePolicy is ../shared/reference/qnap-policy.json, copied to
// testdata: the policy the user must get, action for action.
func referencePolicy(t *testing.T) map[string][]string {
	raw, err := os.ReadFile("testdata/qnap-policy.json")
	require.NoError(t, err)
	var doc struct {
		Statement []struct {
			Sid    string
			Action []string
		}
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	bySid := map[string][]string{}
	for _, s := range doc.Statement {
		bySid[s.Sid] = sorted(s.Action)
	}
	return bySid
}

func sorted(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}

func strs(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, len(t))
		for i, s := range t {
			out[i], _ = s.(string)
		}
		return out
	}
	return nil
}

func TestPolicyGrantsExactlyTheReferenceActions(t *testing.T) {
	want := referencePolicy(t)
	require.Len(t, want, 2)
	_, policy := cdktest.Only(t, defaultTemplate(t), "AWS::IAM::ManagedPolicy")
	doc := cdktest.Props(policy)["PolicyDocument"].(map[string]any)
	statements := doc["Statement"].([]any)
	require.Len(t, statements, 2, "exactly the reference's two statements")
	got := map[string]map[string]any{}
	for _, s := range statements {
		st := s.(map[string]any)
		assert.Equal(t, "Allow", st["Effect"])
		assert.NotContains(t, st, "NotAction")
		assert.NotContains(t, st, "Condition", "the default policy has no conditions")
		got[st["Sid"].(string)] = st
	}
	assert.Equal(t, want["AllowGlacierGlobal"], sorted(strs(got["AllowGlacierGlobal"]["Action"])))
	assert.Equal(t, "*", got["AllowGlacierGlobal"]["Resource"])
	assert.Equal(t, want["AllowGlacierVault"], sorted(strs(got["AllowGlacierVault"]["Action"])))
	assert.Len(t, want["AllowGlacierVault"], 20)
	assert.Equal(t, vaultArn(defaultVault), got["AllowGlacierVault"]["Resource"])
}

func TestPolicyIsNamedPathedAndAttachedAsInTheReference(t *testing.T) {
	tpl := defaultTemplate(t)
	userID, _ := cdktest.Only(t, tpl, "AWS::IAM::User")
	cdktest.Assert(t, "managed policy", func() {
		tpl.HasResourceProperties(jsii.String("AWS::IAM::ManagedPolicy"), map[string]any{
			"ManagedPolicyName": "QNAPGlacierIAMUserPolicy-" + defaultVault,
			"Path":              "/automation/",
			"Description":       "Policy for QNAP Glacier User",
			"Users":             []any{map[string]any{"Ref": userID}},
		})
	})
	for id, p := range cdktest.Resources(tpl, "AWS::IAM::Policy") {
		assert.Nil(t, cdktest.Props(p)["Users"], "inline policy %s is not the user's", id)
	}
	cdktest.Assert(t, "user has no inline policy or managed policy of its own", func() {
		tpl.HasResourceProperties(jsii.String("AWS::IAM::User"), map[string]any{
			"Policies":          assertions.Match_Absent(),
			"ManagedPolicyArns": assertions.Match_Absent(),
		})
	})
}

func TestUserDefaultsToVaultUserInAutomationPath(t *testing.T) {
	cdktest.Assert(t, "user", func() {
		defaultTemplate(t).HasResourceProperties(jsii.String("AWS::IAM::User"), map[string]any{
			"UserName": defaultVault + "-user",
			"Path":     "/automation/",
		})
	})
}

func TestUserNameAndPathCanBeOverridden(t *testing.T) {
	tpl := overriddenTemplate(t)
	cdktest.Assert(t, "user", func() {
		tpl.HasResourceProperties(jsii.String("AWS::IAM::User"), map[string]any{"UserName": "nas-backup", "Path": "/nas/"})
	})
	cdktest.Assert(t, "policy follows the user's path", func() {
		tpl.HasResourceProperties(jsii.String("AWS::IAM::ManagedPolicy"), map[string]any{
			"ManagedPolicyName": "QNAPGlacierIAMUserPolicy-" + overriddenVault,
			"Path":              "/nas/",
		})
	})
}

func TestAccessKeySerialDefaultsToOneAndCanBeRaised(t *testing.T) {
	userID, _ := cdktest.Only(t, defaultTemplate(t), "AWS::IAM::User")
	cdktest.Assert(t, "default serial", func() {
		defaultTemplate(t).HasResourceProperties(jsii.String("AWS::IAM::AccessKey"), map[string]any{
			"Serial": 1, "UserName": map[string]any{"Ref": userID},
		})
	})
	cdktest.Assert(t, "raised serial", func() {
		overriddenTemplate(t).HasResourceProperties(jsii.String("AWS::IAM::AccessKey"), map[string]any{"Serial": 3})
	})
}

func TestSecretHoldsTheKeyResolvedByCloudFormation(t *testing.T) {
	tpl := defaultTemplate(t)
	keyID, _ := cdktest.Only(t, tpl, "AWS::IAM::AccessKey")
	_, secret := cdktest.Only(t, tpl, "AWS::SecretsManager::Secret")
	want := map[string]any{"Fn::Join": []any{"", []any{
		`{"accessKeyId":"`, map[string]any{"Ref": keyID},
		`","secretAccessKey":"`, map[string]any{"Fn::GetAtt": []any{keyID, "SecretAccessKey"}},
		`"}`,
	}}}
	assert.Equal(t, want, cdktest.Props(secret)["SecretString"])
}

func TestSecretAccessKeyAppearsOnlyInTheSecret(t *testing.T) {
	for _, tpl := range []assertions.Template{defaultTemplate(t), overriddenTemplate(t)} {
		doc := *tpl.ToJSON()
		resources := doc["Resources"].(map[string]any)
		for id, r := range resources {
			raw, _ := json.Marshal(r)
			if strings.Contains(string(raw), "SecretAccessKey") {
				assert.Equal(t, "AWS::SecretsManager::Secret", r.(map[string]any)["Type"], "resource %s reads the secret access key", id)
			}
		}
		outputs, _ := json.Marshal(doc["Outputs"])
		assert.NotContains(t, string(outputs), "SecretAccessKey", "no output may carry the secret access key")
		assert.NotContains(t, string(outputs), "resolve:secretsmanager", "no output may resolve the secret")
	}
}

func TestOutputsTellTheOwnerWhereTheKeyIs(t *testing.T) {
	tpl := defaultTemplate(t)
	keyID, _ := cdktest.Only(t, tpl, "AWS::IAM::AccessKey")
	secretID, _ := cdktest.Only(t, tpl, "AWS::SecretsManager::Secret")
	topicID, _ := cdktest.Only(t, tpl, "AWS::SNS::Topic")
	userID, _ := cdktest.Only(t, tpl, "AWS::IAM::User")
	for id, want := range map[string]any{
		"AccessKeyId": map[string]any{"Ref": keyID},
		"SecretArn":   map[string]any{"Ref": secretID},
		"TopicArn":    map[string]any{"Ref": topicID},
		"UserName":    map[string]any{"Ref": userID},
		"VaultName":   defaultVault,
		"VaultArn":    vaultArn(defaultVault),
	} {
		cdktest.Assert(t, "output "+id, func() {
			tpl.HasOutput(jsii.String(id), map[string]any{"Value": want})
		})
	}
	cdktest.Assert(t, "output GetSecretCommand", func() {
		tpl.HasOutput(jsii.String("GetSecretCommand"), map[string]any{"Value": map[string]any{"Fn::Join": []any{"", []any{
			"aws secretsmanager get-secret-value --region ", map[string]any{"Ref": "AWS::Region"},
			" --secret-id ", map[string]any{"Ref": secretID},
			" --query SecretString --output text",
		}}}})
	})
}

// In app mode (the default) the watcher's error alarm publishes too, and
// only that alarm of this account.
func TestTopicPolicyEnforcesTLSAndLetsOnlyGlacierAndTheAlarmOfThisAccountPublish(t *testing.T) {
	tpl := defaultTemplate(t)
	topicID, _ := cdktest.Only(t, tpl, "AWS::SNS::Topic")
	alarmID, _ := cdktest.Only(t, tpl, "AWS::CloudWatch::Alarm")
	_, policy := cdktest.Only(t, tpl, "AWS::SNS::TopicPolicy")
	props := cdktest.Props(policy)
	assert.Equal(t, []any{map[string]any{"Ref": topicID}}, props["Topics"])
	statements := props["PolicyDocument"].(map[string]any)["Statement"].([]any)
	topic := map[string]any{"Ref": topicID}
	assert.ElementsMatch(t, []any{
		map[string]any{
			"Sid": "AllowPublishThroughSSLOnly", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish",
			"Resource": topic, "Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
		},
		map[string]any{
			"Sid": "AllowGlacierPublish", "Effect": "Allow", "Principal": map[string]any{"Service": "glacier.amazonaws.com"},
			"Action": "sns:Publish", "Resource": topic,
			"Condition": map[string]any{"StringEquals": map[string]any{"AWS:SourceOwner": map[string]any{"Ref": "AWS::AccountId"}}},
		},
		map[string]any{
			"Sid": "AllowWatcherAlarm", "Effect": "Allow", "Principal": map[string]any{"Service": "cloudwatch.amazonaws.com"},
			"Action": "sns:Publish", "Resource": topic,
			"Condition": map[string]any{
				"ArnEquals":    map[string]any{"aws:SourceArn": map[string]any{"Fn::GetAtt": []any{alarmID, "Arn"}}},
				"StringEquals": map[string]any{"aws:SourceAccount": map[string]any{"Ref": "AWS::AccountId"}},
			},
		},
	}, statements)
}

func TestTopicHasNoSubscriptionsUnlessAsked(t *testing.T) {
	defaultTemplate(t).ResourceCountIs(jsii.String("AWS::SNS::Subscription"), jsii.Number(0))
}

func TestEmailSubscriptionsGoToTheVaultTopic(t *testing.T) {
	tpl := overriddenTemplate(t)
	topicID, _ := cdktest.Only(t, tpl, "AWS::SNS::Topic")
	subs := cdktest.Resources(tpl, "AWS::SNS::Subscription")
	var endpoints []string
	for _, s := range subs {
		p := cdktest.Props(s)
		assert.Equal(t, "email", p["Protocol"])
		assert.Equal(t, map[string]any{"Ref": topicID}, p["TopicArn"])
		endpoints = append(endpoints, p["Endpoint"].(string))
	}
	assert.ElementsMatch(t, []string{"owner@example.com", "partner@example.org"}, endpoints)
}

func TestEmailSubscriptionIDsDoNotDependOnListOrder(t *testing.T) {
	ids := func(emails ...string) []string {
		app := cdktest.NewApp(nil, nil)
		stack := awscdk.NewStack(app, jsii.String("S"), nil)
		b := qnapglacier.NewBackupUser(stack, jsii.String("B"), &qnapglacier.BackupUserProps{
			VaultName: jsii.String("v"), NotifyEmails: emails,
		})
		var out []string
		for _, c := range *b.Node().Children() {
			out = append(out, *c.Node().Id())
		}
		sort.Strings(out)
		return out
	}
	assert.Equal(t, ids("a@example.com", "b@example.com"), ids("b@example.com", "a@example.com"))
}

func TestBroughtTopicIsUsedAsIs(t *testing.T) {
	const arn = "arn:aws:sns:eu-west-1:111122223333:shared-glacier"
	var b qnapglacier.BackupUser
	tpl := fixtures.Template(t, "brought-topic", func() awscdk.Stack {
		app := cdktest.NewApp(nil, nil)
		stack := awscdk.NewStack(app, jsii.String("Shared"), nil)
		topic := awssns.Topic_FromTopicArn(stack, jsii.String("Shared"), jsii.String(arn))
		b = qnapglacier.NewBackupUser(stack, jsii.String("Vault"), &qnapglacier.BackupUserProps{
			VaultName: jsii.String("v"), Topic: topic, NotifyEmails: []string{"owner@example.com"},
		})
		return stack
	})
	tpl.ResourceCountIs(jsii.String("AWS::SNS::Topic"), jsii.Number(0))
	tpl.ResourceCountIs(jsii.String("AWS::SNS::TopicPolicy"), jsii.Number(0))
	cdktest.Assert(t, "subscription to the brought topic", func() {
		tpl.HasResourceProperties(jsii.String("AWS::SNS::Subscription"), map[string]any{"TopicArn": arn})
	})
	if b != nil {
		assert.Equal(t, arn, *b.Topic().TopicArn())
	}
}

func TestLongVaultNameGetsShortenedUserAndPolicyNames(t *testing.T) {
	vault := strings.Repeat("v", 255)
	tpl := fixtures.Template(t, "long-name", func() awscdk.Stack {
		return vaultStack(qnapglacier.BackupUserProps{VaultName: jsii.String(vault)})
	})
	_, user := cdktest.Only(t, tpl, "AWS::IAM::User")
	_, policy := cdktest.Only(t, tpl, "AWS::IAM::ManagedPolicy")
	assert.Equal(t, rules.DefaultUserName(vault), cdktest.Props(user)["UserName"])
	assert.Equal(t, rules.VaultPolicyName(vault), cdktest.Props(policy)["ManagedPolicyName"])
	assert.LessOrEqual(t, len(rules.DefaultUserName(vault)), 64)
	_, topic := cdktest.Only(t, tpl, "AWS::SNS::Topic")
	assert.LessOrEqual(t, len(cdktest.Props(topic)["DisplayName"].(string)), 100)
	// The vault ARN keeps the full name: only derived names are shortened.
	statements := cdktest.Props(policy)["PolicyDocument"].(map[string]any)["Statement"].([]any)
	assert.Contains(t, statements, map[string]any{
		"Sid": "AllowGlacierVault", "Effect": "Allow", "Resource": vaultArn(vault),
		"Action": statements[1].(map[string]any)["Action"],
	})
}

func TestVaultArnFollowsTheStackPartition(t *testing.T) {
	app := cdktest.NewApp(map[string]any{"@aws-cdk/core:enablePartitionLiterals": true}, nil)
	stack := awscdk.NewStack(app, jsii.String("China"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("111122223333"), Region: jsii.String("cn-north-1")},
	})
	b := qnapglacier.NewBackupUser(stack, jsii.String("B"), &qnapglacier.BackupUserProps{VaultName: jsii.String("v")})
	assert.Equal(t, "arn:aws-cn:glacier:cn-north-1:111122223333:vaults/v", stack.Resolve(b.VaultArn()))
}

func TestEveryTaggableResourceIsTagged(t *testing.T) {
	tpl := defaultTemplate(t)
	for _, typ := range []string{"AWS::IAM::User", "AWS::SecretsManager::Secret", "AWS::SNS::Topic"} {
		cdktest.Assert(t, typ+" tags", func() {
			tpl.HasResourceProperties(jsii.String(typ), map[string]any{"Tags": assertions.Match_ArrayWith(&[]any{
				map[string]any{"Key": "project", "Value": "qnap-glacier"},
				map[string]any{"Key": "qnap-glacier:vault", "Value": defaultVault},
			})})
		})
	}
}

func TestNewBackupUserRejectsBadPropsWithEveryProblem(t *testing.T) {
	app := cdktest.NewApp(nil, nil)
	stack := awscdk.NewStack(app, jsii.String("S"), nil)
	assert.PanicsWithError(t,
		"S/B: VaultName: \"my vault\" has ' ' at position 3: must be 1 to 255 characters from a-z A-Z 0-9 _ - .\n"+
			"S/B: NotifyEmails: \"nope\" is not an e-mail address: must look like name@example.com",
		func() {
			qnapglacier.NewBackupUser(stack, jsii.String("B"), &qnapglacier.BackupUserProps{
				VaultName: jsii.String("my vault"), NotifyEmails: []string{"nope"},
			})
		})
	assert.Empty(t, *stack.Node().Children(), "nothing is created from bad props")
}

func TestNewBackupUserLeavesTheCallersPropsAlone(t *testing.T) {
	app := cdktest.NewApp(nil, nil)
	stack := awscdk.NewStack(app, jsii.String("S"), nil)
	emails := []string{"owner@example.com"}
	props := &qnapglacier.BackupUserProps{VaultName: jsii.String("v"), NotifyEmails: emails}
	qnapglacier.NewBackupUser(stack, jsii.String("B"), props)
	assert.Equal(t, &qnapglacier.BackupUserProps{VaultName: jsii.String("v"), NotifyEmails: []string{"owner@example.com"}}, props)
}

func TestBackupUserAcceptsATokenVaultName(t *testing.T) {
	tpl := fixtures.Template(t, "token-vault", func() awscdk.Stack {
		app := cdktest.NewApp(nil, nil)
		stack := awscdk.NewStack(app, jsii.String("S"), nil)
		param := awscdk.NewCfnParameter(stack, jsii.String("Vault"), nil)
		qnapglacier.NewBackupUser(stack, jsii.String("B"), &qnapglacier.BackupUserProps{VaultName: param.ValueAsString()})
		return stack
	})
	cdktest.Assert(t, "user name joins the parameter", func() {
		tpl.HasResourceProperties(jsii.String("AWS::IAM::User"), map[string]any{
			"UserName": map[string]any{"Fn::Join": []any{"", []any{map[string]any{"Ref": "Vault"}, "-user"}}},
		})
	})
}
