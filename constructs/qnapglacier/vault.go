package qnapglacier

import (
	"maps"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/customresources"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// CloudFormation has no resource type for Glacier vaults, so the stack
// creates and configures a vault with custom resources that call the
// Glacier API (SDK v3 service "Glacier"). Each call's names must match the
// API exactly: a typo would only show at deploy time, so the tests pin them.

// glacierService is the SDK v3 service the custom resources call.
const glacierService = "Glacier"

// glacierAPIVersion must be set on every call. aws-cdk-lib's handler builds
// the SDK client with {apiVersion: call.apiVersion}; left unset, that
// passes apiVersion: undefined, which overrides the Glacier client's own
// default, so the x-amz-glacier-version header Glacier requires is
// "undefined" and Node refuses to send the request. Every call would fail
// at deploy time; only running the handler shows it (internal/contract).
const glacierAPIVersion = "2012-06-01"

// vaultNotFound is the error Glacier answers for a vault that does not
// exist. A delete call ignores it: with the vault gone, or never created
// (the rollback of a deploy that ran before the NAS created the vault),
// there is nothing left to remove, and failing would leave the stack in
// ROLLBACK_FAILED.
const vaultNotFound = "ResourceNotFoundException"

// vaultCall is one custom resource's Glacier calls and the IAM actions
// they need on the vault.
type vaultCall struct {
	id           string
	resourceType string
	action       string // on create and update
	params       map[string]any
	deleteAction string // on delete; "" for none
	deleteParams map[string]any
	iamActions   []string
	retain       bool
}

// configureVault creates the custom resources that create (in stack mode)
// and configure the vault at deploy time (existing and stack modes): notifications to
// topicArn, tags, and the archive protection policy. In app mode, where
// the NAS creates the vault later, it adds the watcher that configures the
// vault once it exists (vaultwatcher.go). It returns the construct holding
// them.
func configureVault(stack awscdk.Stack, scope constructs.Construct, p *BackupUserProps, vaultArn *string, topic awssns.ITopic, topicArn, account *string, ownTopic bool) constructs.Construct {
	// "Vault" and the IDs below are the construct IDs of live resources:
	// keep them, or a deploy re-runs their delete calls.
	this := constructs.NewConstruct(scope, jsii.String("Vault"))
	if !p.VaultMode.configuresVault() {
		watchVault(stack, this, p, vaultArn, topic, topicArn, account, ownTopic)
		return this
	}
	vault := *p.VaultName
	// "-" is the Glacier API's name for the caller's own account.
	target := func(extra map[string]any) map[string]any {
		m := map[string]any{"accountId": "-", "vaultName": vault}
		maps.Copy(m, extra)
		return m
	}

	var calls []vaultCall
	if p.VaultMode == VaultModeStack {
		calls = append(calls, vaultCall{
			id:           "Create",
			resourceType: "Custom::GlacierVault",
			action:       "createVault",
			params:       target(nil),
			iamActions:   []string{"glacier:CreateVault"},
			// The vault holds the backups: no delete call, and CloudFormation
			// keeps the resource when the stack or the mode goes away.
			retain: true,
		})
	}
	calls = append(calls, vaultCall{
		id:           "Notifications",
		resourceType: "Custom::GlacierVaultNotifications",
		action:       "setVaultNotifications",
		params: target(map[string]any{"vaultNotificationConfig": map[string]any{
			"SNSTopic": topicArn,
			"Events":   notificationEvents,
		}}),
		deleteAction: "deleteVaultNotifications",
		deleteParams: target(nil),
		iamActions:   []string{"glacier:SetVaultNotifications", "glacier:DeleteVaultNotifications"},
	}, vaultCall{
		id:           "Tags",
		resourceType: "Custom::GlacierVaultTags",
		action:       "addTagsToVault",
		params:       target(map[string]any{"Tags": vaultTags(p)}),
		deleteAction: "removeTagsFromVault",
		deleteParams: target(map[string]any{"TagKeys": slices.Sorted(maps.Keys(vaultTags(p)))}),
		iamActions:   []string{"glacier:AddTagsToVault", "glacier:RemoveTagsFromVault"},
	})
	if *p.ProtectArchivesDays > 0 {
		calls = append(calls, vaultCall{
			id:           "AccessPolicy",
			resourceType: "Custom::GlacierVaultAccessPolicy",
			action:       "setVaultAccessPolicy",
			params: target(map[string]any{"policy": map[string]any{
				"Policy": stack.ToJsonString(protectionPolicy(vault, *p.ProtectArchivesDays), nil),
			}}),
			deleteAction: "deleteVaultAccessPolicy",
			deleteParams: target(nil),
			iamActions:   []string{"glacier:SetVaultAccessPolicy", "glacier:DeleteVaultAccessPolicy"},
		})
	}

	// One statement per vault for all its calls, on the stack's shared
	// provider role (provider.go): its size grows by one statement, not
	// one policy, per vault.
	var actions []string
	for _, c := range calls {
		actions = append(actions, c.iamActions...)
	}
	provider := providerFor(stack)
	permission := provider.grant(actions, vaultArn)
	var create constructs.Construct
	var all []constructs.IConstruct
	for _, c := range calls {
		r := newVaultResource(this, provider, c)
		all = append(all, r)
		if c.id == "Create" {
			create = r
		} else if create != nil {
			r.Node().AddDependency(create)
		}
	}
	permission.ApplyBefore(all...)
	return this
}

// vaultTags are the tags the stack puts on the vault.
func vaultTags(p *BackupUserProps) map[string]string {
	tags := map[string]string{rules.ProjectTag: rules.ProjectName, rules.VaultTag: *p.VaultName}
	maps.Copy(tags, p.VaultTags)
	return tags
}

// protectionPolicy is the vault access policy that denies deleting archives
// younger than protectDays to every principal, the account root included.
// Its vault ARN names the account with the AWS::AccountId pseudo parameter
// even when the stack's account is known: the policy travels as a string,
// and a literal account in it is what CloudFormation's validator reports
// as a hard-coded account ID (W9013).
func protectionPolicy(vaultName string, protectDays float64) map[string]any {
	return protectionPolicyFor(awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":glacier:"), awscdk.Aws_REGION(),
		jsii.String(":"), awscdk.Aws_ACCOUNT_ID(), jsii.String(":vaults/" + vaultName),
	}), protectDays)
}

// protectionPolicyFor is the protection policy for a vault ARN given as a
// token or as text.
func protectionPolicyFor(vaultArn any, protectDays float64) map[string]any {
	return map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid":       "DenyDeletingArchivesYoungerThan" + days(protectDays) + "Days",
			"Effect":    "Deny",
			"Principal": "*",
			"Action":    deleteArchive,
			"Resource":  vaultArn,
			"Condition": map[string]any{"NumericLessThan": map[string]any{archiveAgeKey: days(protectDays)}},
		}},
	}
}

// newVaultResource is one AwsCustomResource calling Glacier. It runs as the
// stack's shared provider role (provider.go), which the caller grants the
// call's permissions: it gets no inline policy of its own.
func newVaultResource(scope constructs.Construct, provider customResourceProvider, c vaultCall) customresources.AwsCustomResource {
	call := func(action string, params map[string]any) *customresources.AwsSdkCall {
		return &customresources.AwsSdkCall{
			Service:    jsii.String(glacierService),
			ApiVersion: jsii.String(glacierAPIVersion),
			Action:     jsii.String(action),
			Parameters: params,
			// One physical ID per vault and purpose: an update calls the
			// same API again instead of replacing the resource.
			PhysicalResourceId: customresources.PhysicalResourceId_Of(jsii.String(c.id + ":" + params["vaultName"].(string))),
		}
	}
	props := &customresources.AwsCustomResourceProps{
		ResourceType: jsii.String(c.resourceType),
		OnCreate:     call(c.action, c.params),
		OnUpdate:     call(c.action, c.params),
		Role:         provider.role,
		LogGroup:     provider.logs,
		// The Lambda's bundled SDK has the Glacier client; installing the
		// latest at deploy time would need network access from the Lambda.
		InstallLatestAwsSdk: jsii.Bool(false),
	}
	if c.deleteAction != "" {
		props.OnDelete = call(c.deleteAction, c.deleteParams)
		props.OnDelete.IgnoreErrorCodesMatching = jsii.String("^" + vaultNotFound + "$")
	}
	if c.retain {
		props.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	return customresources.NewAwsCustomResource(scope, jsii.String(c.id), props)
}
