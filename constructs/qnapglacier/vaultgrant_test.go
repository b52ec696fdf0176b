package qnapglacier_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// grantApp has two vaults, one in app mode and one existing with
// protection, and a role granted each vault through GrantBackup; an alarm
// of the caller's own watches the app-mode vault's watcher.
var grantUsers = map[string]qnapglacier.BackupUser{}

func grantTemplate(t *testing.T) assertions.Template {
	return fixtures.Template(t, "vault-grants", func() awscdk.Stack {
		app := cdktest.NewApp(nil, nil)
		stack := awscdk.NewStack(app, jsii.String("Grants"), nil)
		for _, p := range []qnapglacier.BackupUserProps{
			{VaultName: jsii.String("Open")},
			{VaultName: jsii.String("Guarded"), VaultMode: qnapglacier.VaultModeExisting, ProtectArchivesDays: jsii.Number(30)},
		} {
			b := qnapglacier.NewBackupUser(stack, p.VaultName, &p)
			grantUsers[*p.VaultName] = b
			role := awsiam.NewRole(stack, jsii.String(*p.VaultName+"Restorer"), &awsiam.RoleProps{
				AssumedBy: awsiam.NewAccountRootPrincipal(),
			})
			b.GrantBackup(role)
		}
		if w := grantUsers["Open"].Watcher(); w != nil {
			awscloudwatch.NewAlarm(stack, jsii.String("MyWatcherAlarm"), &awscloudwatch.AlarmProps{
				Metric: w.MetricInvocations(nil), Threshold: jsii.Number(0), EvaluationPeriods: jsii.Number(1),
				ComparisonOperator: awscloudwatch.ComparisonOperator_LESS_THAN_OR_EQUAL_TO_THRESHOLD,
			})
		}
		return stack
	})
}

// grantStatements are the statements of the default policy of the role
// whose logical ID starts with role.
func grantStatements(t *testing.T, tpl assertions.Template, role string) []map[string]any {
	t.Helper()
	id := logicalIDOf(t, tpl, "AWS::IAM::Policy", role+"DefaultPolicy")
	var out []map[string]any
	for _, s := range cdktest.Props(cdktest.Resources(tpl, "AWS::IAM::Policy")[id])["PolicyDocument"].(map[string]any)["Statement"].([]any) {
		out = append(out, s.(map[string]any))
	}
	return out
}

func TestGrantBackupGivesTheUsersVaultActionsOnTheVaultOnly(t *testing.T) {
	// GIVEN a role granted an unprotected vault
	statements := grantStatements(t, grantTemplate(t), "OpenRestorer")
	// THEN it gets the user's vault actions, the one list, on the vault's
	// ARN, and nothing on "*"
	require.Len(t, statements, 1)
	assert.Equal(t, sorted(rules.VaultActions), sorted(strs(statements[0]["Action"])))
	assert.Equal(t, vaultArn("Open"), statements[0]["Resource"])
	assert.Nil(t, statements[0]["Condition"])
}

func TestGrantBackupKeepsTheProtectionOfTheUsersDeleteArchive(t *testing.T) {
	// GIVEN a role granted a vault with ProtectArchivesDays 30
	statements := grantStatements(t, grantTemplate(t), "GuardedRestorer")
	require.Len(t, statements, 2)
	// THEN DeleteArchive is granted only for archives 30 days old or more,
	// as the user's own policy does, and every other action as the user's
	var deletes, others []map[string]any
	for _, s := range statements {
		assert.Equal(t, vaultArn("Guarded"), s["Resource"])
		if slices.Contains(strs(s["Action"]), "glacier:DeleteArchive") {
			deletes = append(deletes, s)
		} else {
			others = append(others, s)
		}
	}
	require.Len(t, deletes, 1)
	assert.Equal(t, []string{"glacier:DeleteArchive"}, strs(deletes[0]["Action"]))
	assert.Equal(t, map[string]any{"NumericGreaterThanEquals": map[string]any{"glacier:ArchiveAgeInDays": "30"}}, deletes[0]["Condition"])
	require.Len(t, others, 1)
	want := slices.DeleteFunc(slices.Clone(rules.VaultActions), func(a string) bool { return a == "glacier:DeleteArchive" })
	assert.Equal(t, sorted(want), sorted(strs(others[0]["Action"])))
}

func TestWatcherIsExposedInAppModeOnly(t *testing.T) {
	tpl := grantTemplate(t)
	open, guarded := grantUsers["Open"], grantUsers["Guarded"]
	require.NotNil(t, open)
	// THEN the app-mode vault's watcher and its error alarm are there to
	// alarm on, and a caller's alarm on the function synthesizes
	if w := open.Watcher(); assert.NotNil(t, w) {
		assert.Equal(t, "Grants/Open/Vault/Watcher/Function", *w.Node().Path())
	}
	if a := open.WatcherAlarm(); assert.NotNil(t, a) {
		assert.Equal(t, "Grants/Open/Vault/Watcher/ErrorAlarm", *a.Node().Path())
	}
	cdktest.Assert(t, "the caller's alarm on the watcher", func() {
		tpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
			"MetricName": "Invocations", "Namespace": "AWS/Lambda",
		})
	})
	// AND a vault the stack configures has none
	assert.Nil(t, guarded.Watcher())
	assert.Nil(t, guarded.WatcherAlarm())
}
