package qnapglacier

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// Every AwsCustomResource in a stack runs in one Lambda function that
// aws-cdk-lib creates at stack scope (a SingletonFunction), outside any
// BackupUser. Left to itself, aws-cdk-lib gives that function:
//
//   - a log group kept after "cdk destroy" (DeletionPolicy Retain, 731
//     days), so every stack would leave something behind;
//   - a role that gets one inline policy per custom resource. IAM allows a
//     role 10,240 characters of inline policy in total, so a stack with
//     some 14 configured vaults would fail at deploy.
//
// So this package brings both when it is the first to need the function:
// a log group that goes with the stack, and a role whose one default
// policy collects one statement per vault. aws-cdk-lib's Role moves what
// passes 10,000 characters of that policy into managed policies of its own
// (OverflowPolicyN) of up to 6,000 each, so the permissions stay within
// IAM's limits. It measures an ARN that is a token (the vault ARN names
// the partition and often the region and account as tokens) as 150
// characters unless told otherwise; a vault ARN can be 313, so the
// role's scope tells it the longest a vault ARN can be.

// awsCustomResourceProviderID is the construct ID aws-cdk-lib gives the one
// Lambda function behind every AwsCustomResource in a stack.
const awsCustomResourceProviderID = "AWS679f53fac002430cb0da5b7982bd2287"

// Construct IDs of the scope, at stack level, that holds the
// custom-resource function's role and log group, and of those two. Part
// of the API: changing one replaces a live resource.
const (
	providerScopeID = "QnapGlacierCustomResources"
	providerRoleID  = "Role"
	providerLogsID  = "Logs"
)

// maxVaultArnLen is the longest a vault ARN gets once CloudFormation has
// resolved it: "arn:" + partition (aws-us-gov, 10) + ":glacier:" + region
// (14, ap-southeast-7) + ":" + account (12) + ":vaults/" + name (255).
const maxVaultArnLen = 4 + 10 + 9 + 14 + 1 + 12 + 8 + rules.MaxVaultNameLen

// arnSizeEstimateKey is the context key aws-cdk-lib's IAM policy splitting
// reads for the size of an ARN it cannot measure.
const arnSizeEstimateKey = "@aws-cdk/aws-iam.arnSizeEstimate"

// providerLogRetention is how long the custom-resource function's logs are
// kept: long enough to read why a deploy failed, short enough to cost
// nothing. The log group is deleted with the stack.
const providerLogRetention = awslogs.RetentionDays_TWO_WEEKS

// customResourceProvider is what every vault custom resource in a stack is
// given: the role the function runs as and, when this package creates the
// function, its log group.
type customResourceProvider struct {
	role awsiam.IRole
	logs awslogs.ILogGroup // nil when the function already exists
}

// providerFor returns the stack's custom-resource provider settings: this
// package's role and log group once it has made them (for the
// AwsCustomResource function, or for the account check's function). When
// the AwsCustomResource function exists already and this package made no
// role for it (another AwsCustomResource made it first), its role is used
// as it is and its log group is left to its maker.
func providerFor(stack awscdk.Stack) customResourceProvider {
	state := stateOf(stack)
	if state.provider == nil {
		p := newProvider(stack, state)
		state.provider = &p
	}
	return *state.provider
}

func newProvider(stack awscdk.Stack, state *stackState) customResourceProvider {
	if c := state.nodeOf(stack).TryFindChild(jsii.String(awsCustomResourceProviderID)); c != nil {
		if fn, ok := c.(awslambda.IFunction); ok && fn.Role() != nil {
			suppressProviderNag(fn.Role())
			return customResourceProvider{role: fn.Role()}
		}
	}
	scope := constructs.NewConstruct(stack, jsii.String(providerScopeID))
	// Context can only be set before a construct has children.
	scope.Node().SetContext(jsii.String(arnSizeEstimateKey), jsii.Number(maxVaultArnLen))
	logs := awslogs.NewLogGroup(scope, jsii.String(providerLogsID), &awslogs.LogGroupProps{
		Retention:     providerLogRetention,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	lambdaPrincipal, _, _ := functionBasics(stack)
	role := awsiam.NewRole(scope, jsii.String(providerRoleID), &awsiam.RoleProps{
		AssumedBy:   lambdaPrincipal,
		Description: jsii.String("Runs qnap-glacier's Glacier calls at deploy time, on the stack's vaults only"),
	})
	// Writing to its own log group is all the function needs besides the
	// vault statements: no AWSLambdaBasicExecutionRole, which would allow
	// every log group in the account.
	logs.GrantWrite(role)
	return customResourceProvider{role: role, logs: logs}
}

// grant lets the provider's role call actions on the vault. Custom
// resources that make those calls must depend on what it returns: a grant
// whose dependency is the policy that holds the statement (which may be an
// overflow managed policy), so that no call runs before IAM allows it. For
// an imported role it adds nothing, and depending on it adds nothing.
// (awsiam.Grant_AddToPrincipal makes the same statement as
// AddToPrincipalPolicy, in one jsii round trip instead of four.)
func (p customResourceProvider) grant(actions []string, vaultArn *string) awsiam.Grant {
	return awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee:      p.role,
		Actions:      jsii.Strings(actions...),
		ResourceArns: &[]*string{vaultArn},
	})
}

// suppressProviderNag records why cdk-nag's finding on a custom-resource
// role that aws-cdk-lib made (for an AwsCustomResource of the caller's,
// created before this package's) is accepted. This package's own role
// needs no suppression.
func suppressProviderNag(role awsiam.IRole) {
	if _, ok := role.Node().DefaultChild().(awscdk.CfnResource); !ok {
		return // an imported role: nothing in this template to suppress
	}
	suppressNag(role, nagSuppression{
		id: "AwsSolutions-IAM4",
		reason: "aws-cdk-lib's AwsCustomResource Lambda logs through the AWS managed AWSLambdaBasicExecutionRole; " +
			"the Glacier permissions qnap-glacier adds to it are scoped to each vault ARN.",
		appliesTo: []string{"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
	})
}
