package qnapglacier_test

import (
	"encoding/json"
	"sort"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
	"github.com/qnap-glacier/qnap-glacier/internal/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func existingTemplate(t *testing.T) assertions.Template {
	return fixtures.Template(t, "existing", func() awscdk.Stack {
		return vaultStack(qnapglacier.BackupUserProps{
			VaultName: jsii.String(defaultVault),
			VaultMode: qnapglacier.VaultModeExisting,
			VaultTags: map[string]string{"owner": "me"},
		})
	})
}

func stackModeTemplate(t *testing.T) assertions.Template {
	return fixtures.Template(t, "stack", func() awscdk.Stack {
		return vaultStack(qnapglacier.BackupUserProps{
			VaultName:           jsii.String(defaultVault),
			VaultMode:           qnapglacier.VaultModeStack,
			VaultTags:           map[string]string{"owner": "me", "cost-center": "home"},
			ProtectArchivesDays: jsii.Number(90),
		})
	})
}

func appProtectedTemplate(t *testing.T) assertions.Template {
	return fixtures.Template(t, "app-protected", func() awscdk.Stack {
		return vaultStack(qnapglacier.BackupUserProps{
			VaultName:           jsii.String(defaultVault),
			ProtectArchivesDays: jsii.Number(30),
		})
	})
}

// customResources returns the template's custom resources of each type.
// (The stack's Glacier account check, every mode's, is left out: see
// vaultaccountcheck_test.go.)
func customResources(tpl assertions.Template) map[string]map[string]any {
	byType := map[string]map[string]any{}
	resources := (*tpl.ToJSON())["Resources"].(map[string]any)
	for id, r := range resources {
		res := r.(map[string]any)
		if typ := res["Type"].(string); len(typ) > 8 && typ[:8] == "Custom::" && typ != rules.AccountCheckType {
			res["LogicalId"] = id
			byType[typ] = res
		}
	}
	return byType
}

// target is the part every vault call's parameters share.
func target(extra map[string]any) map[string]any {
	m := map[string]any{"accountId": "-", "vaultName": defaultVault}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// glacierCall is an AwsCustomResource call to Glacier as the template must
// hold it. apiVersion is required: without it aws-cdk-lib's handler builds
// the Glacier client with apiVersion undefined and every call fails at
// deploy (internal/contract runs the handler to prove it).
func glacierCall(action, purpose string, params map[string]any) map[string]any {
	return map[string]any{
		"service":            "Glacier",
		"apiVersion":         "2012-06-01",
		"action":             action,
		"parameters":         params,
		"physicalResourceId": map[string]any{"id": purpose + ":" + defaultVault},
	}
}

// glacierDelete is a delete call: it succeeds when the vault is already
// gone or was never created (a rolled-back first deploy).
func glacierDelete(action, purpose string, params map[string]any) map[string]any {
	c := glacierCall(action, purpose, params)
	c["ignoreErrorCodesMatching"] = "^ResourceNotFoundException$"
	return c
}

func TestAppModeLeavesTheVaultToTheBackupApp(t *testing.T) {
	tpl := defaultTemplate(t)
	assert.Empty(t, customResources(tpl), "app mode creates and configures no vault at deploy time")
	cdktest.Assert(t, "mode output", func() {
		tpl.HasOutput(jsii.String("VaultMode"), map[string]any{"Value": "app"})
	})
	assert.Empty(t, *tpl.FindOutputs(jsii.String("NextStep"), nil), "the library says nothing of an app's next step unless asked")
}

func TestVaultStackOutputsTheCallersNextStep(t *testing.T) {
	tpl := fixtures.Template(t, "next-step", func() awscdk.Stack {
		app := cdktest.NewApp(nil, nil)
		return qnapglacier.NewVaultStack(app, jsii.String("Next"), &qnapglacier.VaultStackProps{
			BackupUser: qnapglacier.BackupUserProps{VaultName: jsii.String(defaultVault)},
			NextStep:   jsii.String("Let the NAS create the vault."),
		})
	})
	cdktest.Assert(t, "next step output", func() {
		tpl.HasOutput(jsii.String("NextStep"), map[string]any{"Value": "Let the NAS create the vault."})
	})
}

func TestAppModeWatchesForTheVaultTheNASCreates(t *testing.T) {
	tpl := appProtectedTemplate(t)
	topicID, _ := cdktest.Only(t, tpl, "AWS::SNS::Topic")
	fnID, fn := onlyFunction(t, tpl)
	props := cdktest.Props(fn)
	code := props["Code"].(map[string]any)["ZipFile"].(string)
	assert.Contains(t, code, "exports.handler", "the watcher's code is inline: no asset for a go-get user to miss")
	assert.LessOrEqual(t, len(code), 4096, "Lambda refuses inline code over 4,096 characters, at deploy")
	assert.Equal(t, "index.handler", props["Handler"])
	assert.Equal(t, "nodejs24.x", props["Runtime"])
	env := props["Environment"].(map[string]any)["Variables"].(map[string]any)
	assert.Equal(t, defaultVault, env["VAULT_NAME"])
	assert.Equal(t, map[string]any{"Ref": topicID}, env["TOPIC_ARN"])
	assert.JSONEq(t, `{"project":"qnap-glacier","qnap-glacier:vault":"`+defaultVault+`"}`, env["TAGS"].(string))
	assert.Equal(t, "30", env["PROTECT_DAYS"])
	assert.Contains(t, cdktest.Flatten(t, env["POLICY"]), `"NumericLessThan":{"glacier:ArchiveAgeInDays":"30"}`)

	_, rule := cdktest.Only(t, tpl, "AWS::Events::Rule")
	assert.Equal(t, "rate(1 hour)", cdktest.Props(rule)["ScheduleExpression"])
	targets := cdktest.Props(rule)["Targets"].([]any)
	require.Len(t, targets, 1)
	assert.Equal(t, map[string]any{"Fn::GetAtt": []any{fnID, "Arn"}}, targets[0].(map[string]any)["Arn"])

	// The watcher's own log group (the stack's other one is the account
	// check's, vaultaccountcheck_test.go).
	logsRef := props["LoggingConfig"].(map[string]any)["LogGroup"].(map[string]any)["Ref"].(string)
	logs := cdktest.Resources(tpl, "AWS::Logs::LogGroup")[logsRef]
	require.NotNil(t, logs, "the watcher logs to a log group of the stack")
	assert.Equal(t, "Delete", logs["DeletionPolicy"], "cdk destroy leaves nothing running or stored")
	_, invoke := cdktest.Only(t, tpl, "AWS::Lambda::EventInvokeConfig")
	assert.Equal(t, 0.0, cdktest.Props(invoke)["MaximumRetryAttempts"], "the next hour's run is the retry: no message sent twice")

	_, unprotected := onlyFunction(t, defaultTemplate(t))
	plain := cdktest.Props(unprotected)["Environment"].(map[string]any)["Variables"].(map[string]any)
	assert.NotContains(t, plain, "POLICY", "without protection the watcher sets no policy (and removes its own)")
	assert.NotContains(t, plain, "PROTECT_DAYS")

	roleID := props["Role"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
	var policy map[string]any
	for _, p := range cdktest.Resources(tpl, "AWS::IAM::Policy") {
		if assert.ObjectsAreEqual([]any{map[string]any{"Ref": roleID}}, cdktest.Props(p)["Roles"]) {
			require.Nil(t, policy, "the watcher's role has one policy")
			policy = p
		}
	}
	require.NotNil(t, policy, "the watcher's role has a policy")
	statements := cdktest.Props(policy)["PolicyDocument"].(map[string]any)["Statement"].([]any)
	byAction := map[string]any{}
	for _, st := range statements {
		s := st.(map[string]any)
		for _, a := range strs(s["Action"]) {
			byAction[a] = s["Resource"]
		}
	}
	want := map[string]any{"logs:CreateLogStream": nil, "logs:PutLogEvents": nil, "sns:Publish": map[string]any{"Ref": topicID}}
	for _, a := range []string{
		"glacier:DescribeVault", "glacier:GetVaultNotifications", "glacier:SetVaultNotifications",
		"glacier:ListTagsForVault", "glacier:AddTagsToVault", "glacier:RemoveTagsFromVault",
		"glacier:GetVaultAccessPolicy", "glacier:SetVaultAccessPolicy", "glacier:DeleteVaultAccessPolicy",
	} {
		want[a] = vaultArn(defaultVault)
	}
	for a := range byAction {
		assert.Contains(t, want, a, "the watcher may do only what it needs")
	}
	for a, res := range want {
		if assert.Contains(t, byAction, a) && res != nil {
			assert.Equal(t, res, byAction[a], "%s only on the one vault or topic", a)
		}
	}
}

func TestExistingModeConfiguresTheVaultWithoutCreatingIt(t *testing.T) {
	tpl := existingTemplate(t)
	crs := customResources(tpl)
	assert.ElementsMatch(t, []string{"Custom::GlacierVaultNotifications", "Custom::GlacierVaultTags"}, keys(crs),
		"no createVault, and no access policy while protection is off")
	assert.Empty(t, *tpl.FindOutputs(jsii.String("NextStep"), nil), "no next step once the vault exists")
}

func TestModesThatConfigureAtDeployDoNotWatch(t *testing.T) {
	for name, tpl := range map[string]assertions.Template{"existing": existingTemplate(t), "stack": stackModeTemplate(t)} {
		assert.Empty(t, cdktest.Resources(tpl, "AWS::Events::Rule"), "%s mode: no schedule", name)
		_, fn := onlyFunction(t, tpl)
		assert.Nil(t, cdktest.Props(fn)["Code"].(map[string]any)["ZipFile"], "%s mode: the one function is the custom resources' handler, not the watcher", name)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestStackModeCreatesTheVaultAndNeverDeletesIt(t *testing.T) {
	crs := customResources(stackModeTemplate(t))
	create, ok := crs["Custom::GlacierVault"]
	require.True(t, ok, "stack mode creates the vault")
	want := glacierCall("createVault", "Create", target(nil))
	assert.Equal(t, want, cdktest.SdkCall(t, create, "Create"))
	assert.Equal(t, want, cdktest.SdkCall(t, create, "Update"), "createVault is idempotent, so an update repeats it")
	assert.Nil(t, cdktest.SdkCall(t, create, "Delete"), "no call on delete: the vault holds the backups")
	assert.Equal(t, "Retain", create["DeletionPolicy"])
	assert.Equal(t, "Retain", create["UpdateReplacePolicy"])
	for typ, r := range crs {
		if typ == "Custom::GlacierVault" {
			continue
		}
		assert.Contains(t, r["DependsOn"], create["LogicalId"], "%s waits for the vault", typ)
	}
}

func TestNoModeEverCallsDeleteVault(t *testing.T) {
	for _, tpl := range []assertions.Template{existingTemplate(t), stackModeTemplate(t)} {
		for typ, r := range customResources(tpl) {
			for _, which := range []string{"Create", "Update", "Delete"} {
				if call := cdktest.SdkCall(t, r, which); call != nil {
					assert.NotEqual(t, "deleteVault", call["action"], "%s %s", typ, which)
				}
			}
		}
	}
}

func TestNotificationCallsMatchTheGlacierAPI(t *testing.T) {
	tpl := existingTemplate(t)
	topicID, _ := cdktest.Only(t, tpl, "AWS::SNS::Topic")
	r := customResources(tpl)["Custom::GlacierVaultNotifications"]
	require.NotNil(t, r)
	set := glacierCall("setVaultNotifications", "Notifications", target(map[string]any{
		"vaultNotificationConfig": map[string]any{
			"SNSTopic": "${" + topicID + "}",
			"Events":   []any{"ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"},
		},
	}))
	assert.Equal(t, set, cdktest.SdkCall(t, r, "Create"))
	assert.Equal(t, set, cdktest.SdkCall(t, r, "Update"), "a new topic is set on update")
	assert.Equal(t, glacierDelete("deleteVaultNotifications", "Notifications", target(nil)), cdktest.SdkCall(t, r, "Delete"))
}

func TestTagCallsMatchTheGlacierAPI(t *testing.T) {
	r := customResources(stackModeTemplate(t))["Custom::GlacierVaultTags"]
	require.NotNil(t, r)
	add := glacierCall("addTagsToVault", "Tags", target(map[string]any{"Tags": map[string]any{
		"project": "qnap-glacier", "qnap-glacier:vault": defaultVault, "owner": "me", "cost-center": "home",
	}}))
	assert.Equal(t, add, cdktest.SdkCall(t, r, "Create"))
	assert.Equal(t, add, cdktest.SdkCall(t, r, "Update"))
	assert.Equal(t, glacierDelete("removeTagsFromVault", "Tags", target(map[string]any{
		"TagKeys": []any{"cost-center", "owner", "project", "qnap-glacier:vault"},
	})), cdktest.SdkCall(t, r, "Delete"))
}

func TestAccessPolicyDeniesDeletingYoungArchivesToEveryone(t *testing.T) {
	r := customResources(stackModeTemplate(t))["Custom::GlacierVaultAccessPolicy"]
	require.NotNil(t, r)
	call := cdktest.SdkCall(t, r, "Create")
	assert.Equal(t, "Glacier", call["service"])
	assert.Equal(t, "2012-06-01", call["apiVersion"])
	assert.Equal(t, "setVaultAccessPolicy", call["action"])
	params := call["parameters"].(map[string]any)
	assert.Equal(t, "-", params["accountId"])
	assert.Equal(t, defaultVault, params["vaultName"])
	policyJSON, ok := params["policy"].(map[string]any)["Policy"].(string)
	require.True(t, ok, "the API takes the policy document as a JSON string in policy.Policy")
	var policy map[string]any
	require.NoError(t, json.Unmarshal([]byte(policyJSON), &policy))
	assert.Equal(t, map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid":       "DenyDeletingArchivesYoungerThan90Days",
			"Effect":    "Deny",
			"Principal": "*",
			"Action":    "glacier:DeleteArchive",
			"Resource":  "arn:${AWS::Partition}:glacier:${AWS::Region}:${AWS::AccountId}:vaults/" + defaultVault,
			"Condition": map[string]any{"NumericLessThan": map[string]any{"glacier:ArchiveAgeInDays": "90"}},
		}},
	}, policy)
	assert.Equal(t, call, cdktest.SdkCall(t, r, "Update"))
	assert.Equal(t, glacierDelete("deleteVaultAccessPolicy", "AccessPolicy", target(nil)), cdktest.SdkCall(t, r, "Delete"))
}

func TestProtectionLimitsTheUsersDeleteArchiveInEveryMode(t *testing.T) {
	for name, c := range map[string]struct {
		tpl  assertions.Template
		days string
	}{"app": {appProtectedTemplate(t), "30"}, "stack": {stackModeTemplate(t), "90"}} {
		_, policy := cdktest.Only(t, c.tpl, "AWS::IAM::ManagedPolicy")
		statements := cdktest.Props(policy)["PolicyDocument"].(map[string]any)["Statement"].([]any)
		bySid := map[string]map[string]any{}
		for _, s := range statements {
			bySid[s.(map[string]any)["Sid"].(string)] = s.(map[string]any)
		}
		require.Len(t, bySid, 3, name)
		vaultActions := strs(bySid["AllowGlacierVault"]["Action"])
		assert.NotContains(t, vaultActions, "glacier:DeleteArchive", name)
		assert.Len(t, vaultActions, 19, "%s: every other reference action stays", name)
		assert.Equal(t, map[string]any{
			"Sid": "AllowDeleteOldArchivesOnly", "Effect": "Allow", "Action": "glacier:DeleteArchive",
			"Resource":  vaultArn(defaultVault),
			"Condition": map[string]any{"NumericGreaterThanEquals": map[string]any{"glacier:ArchiveAgeInDays": c.days}},
		}, bySid["AllowDeleteOldArchivesOnly"], name)
	}
}

func TestCustomResourcePermissionsAreScopedToTheVault(t *testing.T) {
	tpl := stackModeTemplate(t)
	fnID, fn := onlyFunction(t, tpl)
	fnRole := cdktest.Props(fn)["Role"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
	_, logs := cdktest.Only(t, tpl, "AWS::Logs::LogGroup")
	policyID, policy := cdktest.Only(t, tpl, "AWS::IAM::Policy")
	assert.Equal(t, []any{map[string]any{"Ref": fnRole}}, cdktest.Props(policy)["Roles"], "the one inline policy is the role of function %s", fnID)
	statements := cdktest.Props(policy)["PolicyDocument"].(map[string]any)["Statement"].([]any)
	require.Len(t, statements, 3, "logging, the one vault and the account check: nothing else")
	logging, vault, check := statements[0].(map[string]any), statements[1].(map[string]any), statements[2].(map[string]any)
	assert.Equal(t, map[string]any{"Action": "glacier:DescribeVault", "Effect": "Allow", "Resource": vaultArn(defaultVault)}, check,
		"the account check reads the one vault")
	assert.Equal(t, []any{"logs:CreateLogStream", "logs:PutLogEvents"}, logging["Action"])
	assert.Equal(t, map[string]any{"Fn::GetAtt": []any{logicalID(t, tpl, logs), "Arn"}}, logging["Resource"], "only its own log group")
	assert.Equal(t, "Allow", vault["Effect"])
	assert.Equal(t, vaultArn(defaultVault), vault["Resource"], "only the one vault, never *")
	assert.Equal(t, []string{
		"glacier:AddTagsToVault", "glacier:CreateVault", "glacier:DeleteVaultAccessPolicy", "glacier:DeleteVaultNotifications",
		"glacier:RemoveTagsFromVault", "glacier:SetVaultAccessPolicy", "glacier:SetVaultNotifications",
	}, sorted(strs(vault["Action"])), "exactly the calls the custom resources make")
	cdktest.Assert(t, "the function's role has no managed policy (no AWSLambdaBasicExecutionRole) and no inline policy of its own", func() {
		tpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{
			"Policies": assertions.Match_Absent(), "ManagedPolicyArns": assertions.Match_Absent(),
		})
	})
	for typ, r := range customResources(tpl) {
		assert.Contains(t, r["DependsOn"], policyID, "%s runs only once its permission exists", typ)
	}
}

// logicalID finds a resource's logical ID by its content.
func logicalID(t *testing.T, tpl assertions.Template, resource map[string]any) string {
	for id, r := range (*tpl.ToJSON())["Resources"].(map[string]any) {
		if assert.ObjectsAreEqual(r, resource) {
			return id
		}
	}
	t.Fatal("resource not in template")
	return ""
}

func TestCustomResourceLogsGoWithTheStack(t *testing.T) {
	tpl := stackModeTemplate(t)
	logsID, logs := cdktest.Only(t, tpl, "AWS::Logs::LogGroup")
	assert.Equal(t, "Delete", logs["DeletionPolicy"], "cdk destroy leaves no log group behind")
	assert.Equal(t, 14.0, cdktest.Props(logs)["RetentionInDays"])
	_, fn := onlyFunction(t, tpl)
	assert.Equal(t, map[string]any{"Ref": logsID}, cdktest.Props(fn)["LoggingConfig"].(map[string]any)["LogGroup"],
		"the function logs to that group, not to a /aws/lambda/ group Lambda would create and keep")
}

func TestModeChangesKeepTheUserKeyAndSecret(t *testing.T) {
	ids := func(tpl assertions.Template) map[string]string {
		out := map[string]string{}
		for _, typ := range []string{"AWS::IAM::User", "AWS::IAM::AccessKey", "AWS::SecretsManager::Secret", "AWS::IAM::ManagedPolicy", "AWS::SNS::Topic"} {
			out[typ], _ = cdktest.Only(t, tpl, typ)
		}
		return out
	}
	app := ids(defaultTemplate(t))
	assert.Equal(t, app, ids(existingTemplate(t)), "app -> existing")
	assert.Equal(t, app, ids(stackModeTemplate(t)), "existing -> stack")
}

// TestAFailingWatcherIsHeard: the watcher's errors, summed over an hour
// (one run), alarm at the first one; the alarm and the all-clear both go
// to the vault's topic, so the owner's e-mails get them; an hour with no
// run is no alarm.
func TestAFailingWatcherIsHeard(t *testing.T) {
	tpl := appProtectedTemplate(t)
	topicID, _ := cdktest.Only(t, tpl, "AWS::SNS::Topic")
	fnID, _ := onlyFunction(t, tpl)
	_, alarm := cdktest.Only(t, tpl, "AWS::CloudWatch::Alarm")
	props := cdktest.Props(alarm)
	assert.Equal(t, "AWS/Lambda", props["Namespace"])
	assert.Equal(t, "Errors", props["MetricName"])
	assert.Equal(t, []any{map[string]any{"Name": "FunctionName", "Value": map[string]any{"Ref": fnID}}}, props["Dimensions"], "the watcher's errors")
	assert.Equal(t, "Sum", props["Statistic"])
	assert.Equal(t, 3600.0, props["Period"])
	assert.Equal(t, 1.0, props["EvaluationPeriods"])
	assert.Equal(t, 1.0, props["DatapointsToAlarm"])
	assert.Equal(t, 1.0, props["Threshold"])
	assert.Equal(t, "GreaterThanOrEqualToThreshold", props["ComparisonOperator"])
	assert.Equal(t, "notBreaching", props["TreatMissingData"])
	topic := []any{map[string]any{"Ref": topicID}}
	assert.Equal(t, topic, props["AlarmActions"], "the alarm goes to the vault's topic")
	assert.Equal(t, topic, props["OKActions"], "and so does the all-clear")
	assert.Nil(t, props["InsufficientDataActions"])

	for name, other := range map[string]assertions.Template{"existing": existingTemplate(t), "stack": stackModeTemplate(t)} {
		assert.Empty(t, cdktest.Resources(other, "AWS::CloudWatch::Alarm"), "%s mode has no watcher, so no alarm", name)
	}
}
