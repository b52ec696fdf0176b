package qnapglacier

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// BackupUser is an IAM user that can back up to exactly one Glacier vault,
// its access key (kept in a Secrets Manager secret) and the vault's
// notification topic.
type BackupUser interface {
	constructs.Construct
	// User is the IAM user the NAS signs in as.
	User() awsiam.User
	// Policy is the managed policy that scopes the user to the vault.
	Policy() awsiam.ManagedPolicy
	// AccessKeyId is the ID of the user's access key. It is not secret.
	AccessKeyId() *string
	// Secret holds the access key as JSON: {"accessKeyId", "secretAccessKey"}.
	Secret() awssecretsmanager.Secret
	// Topic receives the vault's retrieval notifications.
	Topic() awssns.ITopic
	// VaultName is the name of the vault.
	VaultName() *string
	// VaultArn is the vault's ARN, built from the stack's partition, region
	// and account.
	VaultArn() *string
	// VaultMode says who creates the vault and whether the stack configures it.
	VaultMode() VaultMode
	// VaultConfig is the construct "Vault": in the existing and stack modes
	// it holds the custom resources that create and configure the vault at
	// deploy time; in app mode, the watcher that configures the vault once
	// the NAS has created it. It is never nil, so depending on it is safe in
	// every mode: x.Node().AddDependency(b.VaultConfig()).
	VaultConfig() constructs.Construct
	// Watcher is app mode's watcher function, which configures the vault
	// once the NAS has created it: alarm on it, or read its logs. It is nil
	// in the existing and stack modes, which have no watcher.
	Watcher() awslambda.IFunction
	// WatcherAlarm is the alarm on the watcher's errors, which tells
	// Topic: nil where Watcher is nil.
	WatcherAlarm() awscloudwatch.IAlarm
	// GrantBackup gives grantee the vault actions the user has (the
	// reference policy's list), on this vault only; with
	// ProtectArchivesDays above 0, glacier:DeleteArchive only for archives
	// at least that many days old, as for the user. The two account-wide
	// actions the backup app also needs (glacier:ListVaults and
	// glacier:GetDataRetrievalPolicy, which IAM cannot scope to a vault)
	// are not part of it: a grant on one vault never widens to "*".
	GrantBackup(grantee awsiam.IGrantable) awsiam.Grant
}

type backupUser struct {
	constructs.Construct
	user        awsiam.User
	policy      awsiam.ManagedPolicy
	accessKeyID *string
	secret      awssecretsmanager.Secret
	topic       awssns.ITopic
	topicArn    *string // Topic's ARN, read once
	vaultName   *string
	vaultArn    *string
	vaultMode   VaultMode
	vaultConfig constructs.Construct
	protectDays float64
}

// NewBackupUser creates the IAM user, its vault-scoped policy, its access
// key and secret, and the notification topic for one Glacier vault. It
// panics with every problem in props, one per line, each line starting with
// the new construct's path (for example "MyStack/Photos: VaultName: ...").
// [BackupUserProps.Validate] returns the same problems as an error, for
// callers who want to handle them without a panic.
//
// The child construct IDs ("User", "Policy", "AccessKey", "Secret",
// "Topic", "Vault") are part of the API: changing one would replace a live
// resource, and a replaced user or key breaks the NAS's credentials.
func NewBackupUser(scope constructs.Construct, id *string, props *BackupUserProps) BackupUser {
	if err := props.Validate(); err != nil {
		panic(propsError(scope, id, err))
	}
	p := props.withDefaults()
	stack := awscdk.Stack_Of(scope)
	if err := claimNames(stack, scope, *id, *p.UserName, rules.VaultPolicyName(*p.VaultName), "VaultName"); err != nil {
		panic(err)
	}
	// The watcher's alarm may publish to a topic that a BackupUser created
	// (this one's, or another's given as Topic): its policy is this
	// package's to extend.
	ownTopic := p.Topic == nil
	if !ownTopic {
		_, ownTopic = p.Topic.Node().Scope().(*backupUser)
		if ownTopic && !p.VaultMode.configuresVault() {
			if topicStack := awscdk.Stack_Of(p.Topic); topicStack != stack {
				panic(propsError(scope, id, fmt.Errorf("Topic: %s is the topic of a BackupUser in stack %s, not in this one (%s): "+
					"in app mode this BackupUser's watcher alarm publishes to it, and the statement that lets it would make "+
					"the two stacks depend on each other; put the two BackupUsers in one stack, or give a topic of your "+
					"own, whose policy must then let cloudwatch.amazonaws.com publish", *p.Topic.Node().Path(),
					*topicStack.StackName(), *stack.StackName())))
			}
		}
	}
	// The struct itself is registered with jsii, so a BackupUser can be
	// handed to any CDK API that takes a construct (Tags_Of, as a scope...).
	b := &backupUser{vaultName: p.VaultName, vaultMode: p.VaultMode, protectDays: *p.ProtectArchivesDays}
	constructs.NewConstruct_Override(b, scope, id)
	this := b.Construct

	b.vaultArn = stack.FormatArn(&awscdk.ArnComponents{
		Service:      jsii.String("glacier"),
		Resource:     jsii.String("vaults"),
		ResourceName: p.VaultName,
		ArnFormat:    awscdk.ArnFormat_SLASH_RESOURCE_NAME,
	})

	c := newCredentials(this, credentialsProps{
		userName:          p.UserName,
		userPath:          p.UserPath,
		keySerial:         p.KeySerial,
		policyName:        rules.VaultPolicyName(*p.VaultName),
		policyDescription: "Policy for QNAP Glacier User",
		document:          userPolicyDocument(b.vaultArn, *p.ProtectArchivesDays),
		policyNag: []nagSuppression{{
			id: "AwsSolutions-IAM5",
			reason: "glacier:ListVaults and glacier:GetDataRetrievalPolicy act on the account, not a vault, " +
				"so IAM accepts only \"*\" for them; every other action is scoped to the one vault ARN.",
			appliesTo: []string{"Resource::*"},
		}},
		secretDescription: "Access key of the Glacier backup user for vault " + *p.VaultName,
		secretKey:         p.SecretEncryptionKey,
	})
	b.user, b.policy, b.accessKeyID, b.secret = c.user, c.policy, c.accessKeyID, c.secret

	var topicArn *string
	account := stack.Account()
	if b.topic = p.Topic; b.topic == nil {
		var topic awssns.Topic
		topic, topicArn = newTopic(this, rules.TopicDisplayName(*p.VaultName))
		topic.AddToResourcePolicy(glacierPublishStatement(topicArn, account))
		b.topic = topic
	} else {
		topicArn = b.topic.TopicArn()
		letGlacierPublish(this, b.topic, account)
	}
	b.topicArn = topicArn
	subscribeEmails(this, b.topic, p.NotifyEmails)
	b.vaultConfig = configureVault(stack, this, &p, b.vaultArn, b.topic, topicArn, account, ownTopic)
	// Nothing of the BackupUser is created before the check has found that
	// Glacier serves the account (vaultaccountcheck.go).
	this.Node().AddDependency(accountCheckFor(stack, p.VaultName, b.vaultArn))
	return b
}

func (b *backupUser) User() awsiam.User                 { return b.user }
func (b *backupUser) Policy() awsiam.ManagedPolicy      { return b.policy }
func (b *backupUser) AccessKeyId() *string              { return b.accessKeyID }
func (b *backupUser) Secret() awssecretsmanager.Secret  { return b.secret }
func (b *backupUser) Topic() awssns.ITopic              { return b.topic }
func (b *backupUser) VaultName() *string                { return b.vaultName }
func (b *backupUser) VaultArn() *string                 { return b.vaultArn }
func (b *backupUser) VaultMode() VaultMode              { return b.vaultMode }
func (b *backupUser) VaultConfig() constructs.Construct { return b.vaultConfig }

// Watcher and WatcherAlarm find app mode's watcher in the construct tree
// (IDs "Watcher", and under it "Function" and "ErrorAlarm", vaultwatcher.go),
// so building a BackupUser costs no extra call to the CDK for a caller who
// never asks.
func (b *backupUser) Watcher() awslambda.IFunction {
	fn, _ := b.watcherChild("Function").(awslambda.IFunction)
	return fn
}

func (b *backupUser) WatcherAlarm() awscloudwatch.IAlarm {
	alarm, _ := b.watcherChild("ErrorAlarm").(awscloudwatch.IAlarm)
	return alarm
}

func (b *backupUser) watcherChild(id string) constructs.IConstruct {
	if b.vaultMode.configuresVault() {
		return nil
	}
	w := b.vaultConfig.Node().TryFindChild(jsii.String("Watcher"))
	if w == nil {
		return nil
	}
	return w.Node().TryFindChild(jsii.String(id))
}

func (b *backupUser) GrantBackup(grantee awsiam.IGrantable) awsiam.Grant {
	actions, deleteOnlyOld := vaultUserActions(b.protectDays)
	grant := awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee:      grantee,
		Actions:      jsii.Strings(actions...),
		ResourceArns: jsii.Strings(*b.vaultArn),
	})
	if deleteOnlyOld {
		grant = grant.Combine(awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
			Grantee:      grantee,
			Actions:      jsii.Strings(deleteArchive),
			ResourceArns: jsii.Strings(*b.vaultArn),
			Conditions: &map[string]*map[string]any{
				"NumericGreaterThanEquals": {archiveAgeKey: days(b.protectDays)},
			},
		}))
	}
	return grant
}
