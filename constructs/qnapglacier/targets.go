package qnapglacier

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/interfaces/interfacesawsevents"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// The CDK's awseventstargets and awscloudwatchactions would each give the
// one target and the one action below, but importing either compiles some
// 80 more aws-cdk-go packages (ECS, RDS, API Gateway, SageMaker, ...) into
// every user's build. These two types do what the CDK's LambdaFunction and
// SnsAction do for this project's use, and synthesize the same templates.

// lambdaTarget is an EventBridge rule target that invokes a Lambda
// function, like awseventstargets.NewLambdaFunction with only
// RetryAttempts set: it lets EventBridge invoke the function for this rule
// (the same AWS::Lambda::Permission, under the rule, with the same ID) and
// sets the target's retry policy.
type lambdaTarget struct {
	stack         awscdk.Stack // the rule's
	fn            awslambda.IFunction
	retryAttempts *float64
}

// newLambdaTarget returns a rule target, for a rule in stack, that invokes
// fn. retryAttempts is how often EventBridge retries a failed invocation
// (0 for none); nil leaves EventBridge's default (185 retries within 24
// hours).
func newLambdaTarget(stack awscdk.Stack, fn awslambda.IFunction, retryAttempts *float64) awsevents.IRuleTarget {
	return &lambdaTarget{stack: stack, fn: fn, retryAttempts: retryAttempts}
}

// Bind is called by the rule when the target is added.
func (t *lambdaTarget) Bind(rule interfacesawsevents.IRuleRef, _ *string) *awsevents.RuleTargetConfig {
	// As awseventstargets does for a rule that is a construct: the
	// permission lives under the rule (no cycle when the function is in
	// another stack), named after the function; its ID is a logical ID
	// of a live resource.
	r, ok := rule.(constructs.Construct)
	if !ok {
		panic("qnapglacier: lambdaTarget needs a rule that is a construct")
	}
	// A rule binds each target once, so the permission is new (the CDK's
	// target looks for it first, a jsii round trip this one saves).
	// (Names.uniqueId(fn) is Names.nodeUniqueId(fn.node) in one round trip.)
	id := "AllowEventRule" + *awscdk.Names_UniqueId(t.fn)
	t.fn.AddPermission(&id, &awslambda.Permission{
		Scope:     r,
		Action:    jsii.String("lambda:InvokeFunction"),
		Principal: servicePrincipal(t.stack, "events.amazonaws.com"),
		SourceArn: awsevents.CfnRule_ArnForRule(rule),
	})
	cfg := &awsevents.RuleTargetConfig{Arn: t.fn.FunctionArn(), TargetResource: t.fn}
	if t.retryAttempts != nil && *t.retryAttempts >= 0 {
		cfg.RetryPolicy = &awsevents.CfnRule_RetryPolicyProperty{MaximumRetryAttempts: t.retryAttempts}
	}
	return cfg
}

// topicAction is a CloudWatch alarm action that publishes to an SNS topic,
// like awscloudwatchactions.NewSnsAction. Use it for alarm, OK and
// insufficient-data actions alike. The topic's policy must let
// cloudwatch.amazonaws.com publish if the topic has a policy of its own
// (EnforceSSL adds one); the action does not add that statement.
type topicAction struct {
	topicArn *string
}

// newTopicAction returns an alarm action that publishes to the topic at
// topicArn (a token the caller has already read: reading it costs a jsii
// round trip). One action serves as both the alarm and the OK action.
func newTopicAction(topicArn *string) awscloudwatch.IAlarmAction {
	return &topicAction{topicArn: topicArn}
}

// Bind is called by the alarm when the action is added.
func (a *topicAction) Bind(_ constructs.Construct, _ awscloudwatch.IAlarm) *awscloudwatch.AlarmActionConfig {
	return &awscloudwatch.AlarmActionConfig{AlarmActionArn: a.topicArn}
}
