package qnapglacier

import (
	_ "embed"
	"encoding/json"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
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

// maxInlineCode is Lambda's limit on inline (ZipFile) Node.js code.
const maxInlineCode = 4096

// WatcherSchedule is how often app mode's watcher looks at the vault: the
// vault is wired at most this long after the NAS creates it.
const WatcherSchedule = "rate(1 hour)"

// watcherActions are the Glacier calls the watcher makes on its vault: it
// reads each setting and writes only what differs.
var watcherActions = []string{
	"glacier:DescribeVault",
	"glacier:GetVaultNotifications", "glacier:SetVaultNotifications",
	"glacier:ListTagsForVault", "glacier:AddTagsToVault",
	"glacier:GetVaultAccessPolicy", "glacier:SetVaultAccessPolicy",
}

// watchVault adds the watcher under scope. Its construct IDs ("Watcher"
// and its children) are those of live resources.
func watchVault(scope constructs.Construct, p *BackupUserProps, vaultArn, topicArn *string) {
	if len(watcherCode) > maxInlineCode {
		panic("qnapglacier: watcher.js is longer than Lambda's 4,096 characters of inline code")
	}
	this := constructs.NewConstruct(scope, jsii.String("Watcher"))
	logs := awslogs.NewLogGroup(this, jsii.String("Logs"), &awslogs.LogGroupProps{
		Retention:     providerLogRetention,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	role := awsiam.NewRole(this, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("Wires Glacier vault " + *p.VaultName + " once the NAS has created it"),
	})
	logs.GrantWrite(role)
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings(watcherActions...),
		Resources: &[]*string{vaultArn},
	}))
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("sns:Publish"),
		Resources: &[]*string{topicArn},
	}))

	tags, _ := json.Marshal(vaultTags(p))
	env := map[string]*string{
		"VAULT_NAME": p.VaultName,
		"TOPIC_ARN":  topicArn,
		"TAGS":       jsii.String(string(tags)),
	}
	if *p.ProtectArchivesDays > 0 {
		stack := awscdk.Stack_Of(scope)
		env["POLICY"] = stack.ToJsonString(protectionPolicy(*p.VaultName, *p.ProtectArchivesDays), nil)
		env["PROTECT_DAYS"] = jsii.String(days(*p.ProtectArchivesDays))
	}
	fn := awslambda.NewFunction(this, jsii.String("Function"), &awslambda.FunctionProps{
		// Lambda allows 256 characters; a vault name may have 255.
		Description: jsii.String(fitName("qnap-glacier: wires Glacier vault ", *p.VaultName, " once the NAS has created it", 256)),
		Runtime:     awslambda.Runtime_NODEJS_24_X(),
		Handler:     jsii.String("index.handler"),
		Code:        awslambda.Code_FromInline(jsii.String(watcherCode)),
		Role:        role,
		LogGroup:    logs,
		MemorySize:  jsii.Number(128),
		Timeout:     awscdk.Duration_Seconds(jsii.Number(60)),
		Environment: &env,
	})
	awsevents.NewRule(this, jsii.String("Schedule"), &awsevents.RuleProps{
		Description: jsii.String("Checks Glacier vault " + *p.VaultName + " every hour"),
		Schedule:    awsevents.Schedule_Expression(jsii.String(WatcherSchedule)),
		// The next hour's run is the retry.
		Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{
			RetryAttempts: jsii.Number(0),
		})},
	})
}
