package qnapglacier

import (
	"errors"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// VaultStackProps configures a [VaultStack].
type VaultStackProps struct {
	awscdk.StackProps
	// BackupUser configures the stack's one [BackupUser], with at least
	// its VaultName. Required.
	BackupUser BackupUserProps

	// NextStep, when set, is output as NextStep: what the owner must do
	// after this deploy, in the words of the app that deploys the stack
	// (the library knows nothing of how an app is configured). The
	// qnap-glacier app sets it in app mode, to say what to do on the NAS
	// and what the stack then does by itself.
	//
	// Default: no NextStep output.
	NextStep *string
}

// VaultStack is a stack holding one [BackupUser] and the outputs a NAS
// owner needs to set up the backup app. Give each vault its own stack so it
// can be deployed and destroyed alone.
type VaultStack interface {
	awscdk.Stack
	// BackupUser is the stack's backup user.
	BackupUser() BackupUser
}

type vaultStack struct {
	awscdk.Stack
	backupUser BackupUser
}

// NewVaultStack creates a stack for one vault, holding one [BackupUser]
// with the construct ID "BackupUser" (the path of every live resource in
// the stack: keep it).
//
// Its outputs are what a NAS owner needs, and never the secret itself:
//   - VaultName, VaultArn: the vault the user may use;
//   - UserName: the IAM user the NAS signs in as;
//   - AccessKeyId: the access key ID to enter on the NAS (not secret);
//   - SecretArn: the Secrets Manager secret holding the key pair;
//   - GetSecretCommand: the AWS CLI command that reads that secret;
//   - TopicArn: the topic that announces finished retrievals;
//   - VaultMode: app, existing or stack;
//   - NextStep: props.NextStep, only when set.
//
// It tags every resource in the stack with project = qnap-glacier and
// qnap-glacier:vault = the vault name (and the BackupUser puts the same tags on
// the vault: at deploy time in the existing and stack modes, through its
// watcher in app mode).
//
// It panics on bad props, with every problem, one per line, each line
// starting with the stack's path; props.Validate() returns the
// same problems as an error.
func NewVaultStack(scope constructs.Construct, id *string, props *VaultStackProps) VaultStack {
	if props == nil {
		props = &VaultStackProps{}
	}
	if err := props.Validate(); err != nil {
		panic(propsError(scope, id, err))
	}
	s := &vaultStack{}
	awscdk.NewStack_Override(s, scope, id, &props.StackProps)
	stack := s.Stack
	vault := *props.BackupUser.VaultName

	// "BackupUser" is the path of every live resource in the stack.
	b := NewBackupUser(stack, jsii.String("BackupUser"), &props.BackupUser)
	s.backupUser = b
	tags := awscdk.Tags_Of(stack)
	tags.Add(jsii.String(rules.ProjectTag), jsii.String(rules.ProjectName), nil)
	tags.Add(jsii.String(rules.VaultTag), jsii.String(vault), nil)

	output(stack, "VaultName", b.VaultName(), "The Glacier vault this user may use.")
	output(stack, "VaultArn", b.VaultArn(), "The ARN of that vault.")
	output(stack, "UserName", b.User().UserName(), "The IAM user the NAS signs in as.")
	output(stack, "AccessKeyId", b.AccessKeyId(), "The access key ID to enter on the NAS (not secret).")
	secretArn := b.Secret().SecretArn()
	output(stack, "SecretArn", secretArn, "The Secrets Manager secret holding the access key and secret access key.")
	// Token strings concatenate without a call to the CDK (Fn_Join would be one).
	output(stack, "GetSecretCommand", jsii.String("aws secretsmanager get-secret-value --region "+*stack.Region()+
		" --secret-id "+*secretArn+" --query SecretString --output text"),
		"Run this to read the secret access key; keep what it prints private.")
	output(stack, "TopicArn", b.(*backupUser).topicArn, "The SNS topic that announces finished retrievals.")
	output(stack, "VaultMode", jsii.String(string(b.VaultMode())), "Who creates the vault: app, existing or stack.")
	if props.NextStep != nil {
		output(stack, "NextStep", props.NextStep, "What to do next.")
	}
	return s
}

func (s *vaultStack) BackupUser() BackupUser { return s.backupUser }

// Validate reports every problem with props, one per line, each naming
// its field path ("BackupUser.VaultName: ..."), the bad value and what is
// allowed. [NewVaultStack] panics with the same problems.
func (p *VaultStackProps) Validate() error {
	if p == nil {
		return errors.New("props: required, with at least BackupUser.VaultName")
	}
	return errors.Join(inField("BackupUser", ".", p.BackupUser.Validate())...)
}

func output(scope constructs.Construct, id string, value *string, description string) {
	awscdk.NewCfnOutput(scope, jsii.String(id), &awscdk.CfnOutputProps{
		Value:       value,
		Description: jsii.String(description),
	})
}
