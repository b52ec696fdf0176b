package qnapglacier

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
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
}

type backupUser struct {
	constructs.Construct
	user        awsiam.User
	policy      awsiam.ManagedPolicy
	accessKeyID *string
	secret      awssecretsmanager.Secret
	topic       awssns.ITopic
	vaultName   *string
	vaultArn    *string
	vaultMode   VaultMode
	vaultConfig constructs.Construct
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
	if err := claimNames(scope, *scope.Node().Path()+"/"+*id, *p.UserName, rules.VaultPolicyName(*p.VaultName), "VaultName"); err != nil {
		panic(err)
	}
	// The struct itself is registered with jsii, so a BackupUser can be
	// handed to any CDK API that takes a construct (Tags_Of, as a scope...).
	b := &backupUser{vaultName: p.VaultName, vaultMode: p.VaultMode}
	constructs.NewConstruct_Override(b, scope, id)
	this := b.Construct
	stack := awscdk.Stack_Of(this)

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
	if b.topic = p.Topic; b.topic == nil {
		var topic awssns.Topic
		topic, topicArn = newTopic(this, rules.TopicDisplayName(*p.VaultName))
		topic.AddToResourcePolicy(glacierPublishStatement(topicArn, stack.Account()))
		b.topic = topic
	} else {
		topicArn = b.topic.TopicArn()
		letGlacierPublish(this, b.topic, stack.Account())
	}
	subscribeEmails(this, b.topic, p.NotifyEmails)
	b.vaultConfig = configureVault(this, &p, b.vaultArn, b.topic, topicArn)
	// Nothing of the BackupUser is created before the check has found that
	// Glacier serves the account (accountcheck.go).
	this.Node().AddDependency(accountCheckFor(this, p.VaultName, b.vaultArn))
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
