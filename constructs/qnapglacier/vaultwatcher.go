package qnapglacier

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// In app mode the NAS creates the vault after the first deploy, so no
// deploy-time call can configure it. The watcher is a small Lambda
// function, run every hour by an EventBridge schedule, that waits for the
// vault and then applies what existing mode applies at deploy time
// (notifications, tags, protection), puts back what is later changed by
// hand, and tells the topic once each time it changed something. Its code
// (watcher.js) is inline, so the construct needs no asset: that keeps it
// usable from "go get", where no asset directory can be found at synth.
//
// Why not something without code: Glacier's API calls reach EventBridge
// only through a CloudTrail trail (which most owners do not have and which
// costs money), and EventBridge Scheduler and Step Functions SDK calls
// cannot compare the vault's settings with the wanted ones. A Lambda's
// code is what the offline contract test can run (internal/contract).

//go:embed watcher.js
var watcherCode string

// Lambda's limits on inline (ZipFile) Node.js code and on a function's
// environment (keys and values together), both checked at deploy time.
const (
	maxInlineCode = 4096
	maxLambdaEnv  = 4096
)

// maxTopicArnLen is the longest an SNS topic ARN gets: partition
// (aws-us-gov), region (14) and account around a 256-character name.
const maxTopicArnLen = len("arn:aws-us-gov:sns:ap-southeast-7:123456789012:") + 256

// watcherEnvProblem reports when app mode's watcher could not carry the
// vault's settings in its Lambda environment: a deploy would fail there,
// so it is refused at synth. Values the stack fills in at deploy (the
// topic ARN, the vault ARN in the policy) count at their longest.
func watcherEnvProblem(p *BackupUserProps) error {
	if p.VaultName == nil || isToken(p.VaultName) || (p.VaultMode != "" && p.VaultMode != VaultModeApp) {
		return nil
	}
	env := watcherEnv(p, strings.Repeat("t", maxTopicArnLen), strings.Repeat("v", maxVaultArnLen-rules.MaxVaultNameLen+len(*p.VaultName)))
	size := 0
	for k, v := range env {
		size += len(k) + len(v)
	}
	if size <= maxLambdaEnv {
		return nil
	}
	tags, _ := json.Marshal(p.VaultTags)
	return fmt.Errorf("%d characters of tags as JSON: in app mode the watcher carries them, with the vault name, topic and "+
		"protection policy, in its Lambda function's environment, which AWS limits to %d characters; this vault can carry "+
		"at most %d characters of tags: use fewer or shorter tags, or existing mode once the vault exists",
		len(tags), maxLambdaEnv, len(tags)-(size-maxLambdaEnv))
}

// unsentTag is the vault tag in which the watcher keeps a message that SNS
// refused, until a later run sends it (watcher.js, UNSENT).
const unsentTag = "qnap-glacier:unsent"

// watcherTagProblem reports, in app mode, tags that leave the watcher no
// room for unsentTag within Glacier's 50 tags per vault: a message SNS
// refused would then be lost.
func watcherTagProblem(p *BackupUserProps) error {
	if (p.VaultMode != "" && p.VaultMode != VaultModeApp) || len(p.VaultTags) <= rules.MaxVaultTags-1 {
		return nil
	}
	return fmt.Errorf("%d tags: at most %d in app mode, where the watcher needs one of Glacier's 50 tags per vault "+
		"(%s) to keep a message SNS refused until it is sent; use fewer tags, or existing mode once the vault exists",
		len(p.VaultTags), rules.MaxVaultTags-1, unsentTag)
}

// watcherEnv is the watcher's environment, with topicArn and the vault
// ARN in the policy given as text.
func watcherEnv(p *BackupUserProps, topicArn, vaultArn string) map[string]string {
	tags, _ := json.Marshal(vaultTags(p))
	env := map[string]string{"VAULT_NAME": *p.VaultName, "TOPIC_ARN": topicArn, "TAGS": string(tags)}
	if p.ProtectArchivesDays != nil && *p.ProtectArchivesDays > 0 {
		policy, _ := json.Marshal(protectionPolicyFor(vaultArn, *p.ProtectArchivesDays))
		env["POLICY"] = string(policy)
		env["PROTECT_DAYS"] = days(*p.ProtectArchivesDays)
	}
	return env
}

// watcherActions are the Glacier calls the watcher makes on its vault: it
// reads each setting and writes only what differs.
var watcherActions = []string{
	"glacier:DescribeVault",
	"glacier:GetVaultNotifications", "glacier:SetVaultNotifications",
	"glacier:ListTagsForVault", "glacier:AddTagsToVault",
	// Only for its own tag holding a message whose publish failed, once
	// the message is sent.
	"glacier:RemoveTagsFromVault",
	"glacier:GetVaultAccessPolicy", "glacier:SetVaultAccessPolicy",
	// Only for the stack's own protection policy, once protection is off.
	"glacier:DeleteVaultAccessPolicy",
}

// watchVault adds the watcher under scope, in stack, and an alarm on its
// errors that tells topic (topicArn; ownTopic when a BackupUser created
// it). Its construct IDs ("Watcher" and its children) are those of live
// resources.
func watchVault(stack awscdk.Stack, scope constructs.Construct, p *BackupUserProps, vaultArn *string, topic awssns.ITopic, topicArn, account *string, ownTopic bool) {
	if len(watcherCode) > maxInlineCode {
		panic("qnapglacier: watcher.js is longer than Lambda's 4,096 characters of inline code")
	}
	this := constructs.NewConstruct(scope, jsii.String("Watcher"))
	logs := awslogs.NewLogGroup(this, jsii.String("Logs"), &awslogs.LogGroupProps{
		Retention:     providerLogRetention,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	lambdaPrincipal, runtime, timeout := functionBasics(stack)
	role := awsiam.NewRole(this, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   lambdaPrincipal,
		Description: jsii.String("Wires Glacier vault " + *p.VaultName + " once the NAS has created it"),
	})
	logs.GrantWrite(role)
	// The same statements as role.AddToPrincipalPolicy makes, in one jsii
	// round trip each instead of four.
	awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee:      role,
		Actions:      jsii.Strings(watcherActions...),
		ResourceArns: &[]*string{vaultArn},
	})
	awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee:      role,
		Actions:      jsii.Strings("sns:Publish"),
		ResourceArns: &[]*string{topicArn},
	})

	tags, _ := json.Marshal(vaultTags(p))
	env := map[string]*string{
		"VAULT_NAME": p.VaultName,
		"TOPIC_ARN":  topicArn,
		"TAGS":       jsii.String(string(tags)),
	}
	if *p.ProtectArchivesDays > 0 {
		env["POLICY"] = stack.ToJsonString(protectionPolicy(*p.VaultName, *p.ProtectArchivesDays), nil)
		env["PROTECT_DAYS"] = jsii.String(days(*p.ProtectArchivesDays))
	}
	fn := awslambda.NewFunction(this, jsii.String("Function"), &awslambda.FunctionProps{
		// Lambda allows 256 characters; a vault name may have 255.
		Description: jsii.String(fitName("qnap-glacier: wires Glacier vault ", *p.VaultName, " once the NAS has created it", 256)),
		Runtime:     runtime,
		Handler:     jsii.String("index.handler"),
		Code:        inlineCode(stack, watcherCode),
		Role:        role,
		LogGroup:    logs,
		MemorySize:  jsii.Number(128),
		Timeout:     timeout,
		Environment: &env,
		// The next hour's run is the retry; a run that failed after setting
		// something would otherwise send its message up to three times.
		RetryAttempts: jsii.Number(0),
	})
	awsevents.NewRule(this, jsii.String("Schedule"), &awsevents.RuleProps{
		Description: jsii.String("Checks Glacier vault " + *p.VaultName + " every hour"),
		Schedule:    once(stack, "watcher schedule", func() awsevents.Schedule { return awsevents.Schedule_Expression(jsii.String(rules.WatcherSchedule)) }),
		Targets:     &[]awsevents.IRuleTarget{newLambdaTarget(stack, fn, jsii.Number(0))},
	})
	alarmOnErrors(stack, this, fn, p, topic, topicArn, account, ownTopic)
}

// alarmOnErrors makes a failing watcher heard: at least one error in an
// hour (one run) sends the alarm to the vault's topic, so the owner's
// e-mails get it, and the next run that succeeds sends the all-clear (OK)
// there too. An hour without a run is no alarm. A run that changed the
// vault but could not publish its message fails, and so ends here as
// well (and the message waits in a vault tag for the next run:
// watcher.js).
func alarmOnErrors(stack awscdk.Stack, scope constructs.Construct, fn awslambda.Function, p *BackupUserProps, topic awssns.ITopic, topicArn, account *string, ownTopic bool) {
	alarm := awscloudwatch.NewAlarm(scope, jsii.String("ErrorAlarm"), &awscloudwatch.AlarmProps{
		AlarmDescription: jsii.String(fitName("qnap-glacier: the watcher of Glacier vault ", *p.VaultName,
			" failed in the last hour; its log group says why", 1024)),
		Metric: fn.MetricErrors(&awscloudwatch.MetricOptions{
			Period:    durationHours(stack, 1),
			Statistic: jsii.String("Sum"),
		}),
		Threshold:          jsii.Number(1),
		EvaluationPeriods:  jsii.Number(1),
		DatapointsToAlarm:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	action := newTopicAction(topicArn)
	alarm.AddAlarmAction(action)
	alarm.AddOkAction(action)
	// The policy of the topic the BackupUser created (newTopic's, which
	// replaces SNS's default) must let CloudWatch publish, for this alarm
	// only. A caller's topic is left to the caller (props.Topic says so):
	// it may be imported, or in another stack, where naming the alarm would
	// make the two stacks depend on each other.
	if !ownTopic {
		return
	}
	topic.AddToResourcePolicy(awsiam.PolicyStatement_FromJson(map[string]any{
		"Sid":       "AllowWatcherAlarm",
		"Effect":    "Allow",
		"Principal": map[string]any{"Service": "cloudwatch.amazonaws.com"},
		"Action":    "sns:Publish",
		"Resource":  topicArn,
		"Condition": map[string]any{
			"ArnEquals":    map[string]any{"aws:SourceArn": alarm.AlarmArn()},
			"StringEquals": map[string]any{"aws:SourceAccount": account},
		},
	}))
}
