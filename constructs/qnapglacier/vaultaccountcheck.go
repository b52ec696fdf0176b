package qnapglacier

import (
	_ "embed"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// Amazon Glacier takes no new customers since 15 December 2025: in an
// account it no longer serves, every vault call answers
// NoLongerSupportedException. Without a check, app mode's deploy would be
// green and its watcher silent, and the owner would learn it only when the
// NAS app fails. So every stack with a vault first asks Glacier about the
// vault (DescribeVault: a vault that does not exist yet is fine) and fails
// the deploy with a reason that names the bucket setting to use instead.
// Every resource of the stack's BackupUsers depends on that check, so a
// refused deploy creates nothing but the check itself, and the rollback
// removes it.
//
// The check is a custom resource with code of its own (accountcheck.js,
// inline): aws-cdk-lib's AwsCustomResource reports a failed call with the
// SDK's message only, which cannot carry the hint.

//go:embed accountcheck.js
var accountCheckCode string

// Construct IDs of the stack-level scope that holds the check (its
// function, "Function", and the custom resource) and of the check. Part of the API: changing one replaces a live resource.
const (
	accountCheckScopeID = "QnapGlacierAccountCheck"
	accountCheckID      = "Check"
)

// accountCheckFor returns the stack's Glacier account check, creating it
// for vaultName (at vaultArn) when the stack has none yet: one per stack
// is enough, since Glacier serves or refuses the account as a whole.
func accountCheckFor(stack awscdk.Stack, vaultName, vaultArn *string) constructs.IConstruct {
	if len(accountCheckCode) > maxInlineCode {
		panic("qnapglacier: accountcheck.js is longer than Lambda's 4,096 characters of inline code")
	}
	state := stateOf(stack)
	if state.accountCheck != nil {
		return state.accountCheck
	}
	this := constructs.NewConstruct(stack, jsii.String(accountCheckScopeID))
	// The stack's deploy-time Glacier role and log group (provider.go): the
	// check is one more deploy-time Glacier call, and shares them to keep
	// the stack's resource count down (2 resources, not 5).
	provider := providerFor(stack)
	_, runtime, timeout := functionBasics(stack)
	permission := provider.grant([]string{"glacier:DescribeVault"}, vaultArn)
	fn := awslambda.NewFunction(this, jsii.String("Function"), &awslambda.FunctionProps{
		Description: jsii.String("qnap-glacier: fails the deploy when Glacier no longer serves this account"),
		Runtime:     runtime,
		Handler:     jsii.String("index.handler"),
		Code:        inlineCode(stack, accountCheckCode),
		Role:        provider.role,
		LogGroup:    provider.logs,
		MemorySize:  jsii.Number(128),
		// The call gives up after 30 s and answers CloudFormation either way,
		// so a deploy never waits for CloudFormation's hour-long timeout.
		Timeout: timeout,
	})
	check := awscdk.NewCustomResource(this, jsii.String(accountCheckID), &awscdk.CustomResourceProps{
		ServiceToken: fn.FunctionArn(),
		ResourceType: jsii.String(rules.AccountCheckType),
		Properties:   &map[string]any{"VaultName": vaultName},
	})
	// The check must not run before its role may call Glacier.
	permission.ApplyBefore(check)
	state.accountCheck = check
	return check
}
