package qnapglacier

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// credentialsProps are what a backup target (a vault or a bucket) tells
// newCredentials about its user.
type credentialsProps struct {
	userName          *string
	userPath          *string
	keySerial         *float64
	policyName        string
	policyDescription string
	document          awsiam.PolicyDocument
	// policyNag are the cdk-nag findings accepted on the policy, with reasons.
	policyNag []nagSuppression
	// secretDescription says which target the key in the secret is for.
	secretDescription string
	// secretKey encrypts the secret; nil for the AWS managed key.
	secretKey awskms.IKey
}

// credentials are the IAM user a NAS signs in as, its one managed policy,
// its access key and the secret holding that key: the part that a vault's
// [BackupUser] and a bucket's [BackupBucket] share.
type credentials struct {
	user        awsiam.User
	policy      awsiam.ManagedPolicy
	accessKeyID *string
	secret      awssecretsmanager.Secret
}

// newCredentials creates the user, its managed policy, its access key and
// the secret in scope. The construct IDs "User", "Policy", "AccessKey" and
// "Secret" are part of the API of every construct that calls this:
// changing one replaces a live resource, and a replaced user or key breaks
// the NAS's credentials.
func newCredentials(scope constructs.Construct, p credentialsProps) credentials {
	var c credentials
	c.user = awsiam.NewUser(scope, jsii.String("User"), &awsiam.UserProps{
		UserName: p.userName,
		Path:     p.userPath,
	})

	c.policy = awsiam.NewManagedPolicy(scope, jsii.String("Policy"), &awsiam.ManagedPolicyProps{
		ManagedPolicyName: jsii.String(p.policyName),
		Path:              p.userPath,
		Description:       jsii.String(p.policyDescription),
		Document:          p.document,
		Users:             &[]awsiam.IUser{c.user},
	})
	if len(p.policyNag) > 0 {
		suppressNagOnNew(c.policy, p.policyNag...)
	}

	// "AccessKey" is a live credential's construct ID: changing it rotates
	// the key without warning. Rotate with the key serial instead.
	key := awsiam.NewAccessKey(scope, jsii.String("AccessKey"), &awsiam.AccessKeyProps{
		User:   c.user,
		Serial: p.keySerial,
	})
	c.accessKeyID = key.AccessKeyId()

	// The secret access key reaches the template only as a GetAtt that
	// CloudFormation resolves inside Secrets Manager: never in plain text.
	c.secret = awssecretsmanager.NewSecret(scope, jsii.String("Secret"), &awssecretsmanager.SecretProps{
		Description:   jsii.String(p.secretDescription),
		EncryptionKey: p.secretKey,
		SecretObjectValue: &map[string]awscdk.SecretValue{
			"accessKeyId":     awscdk.SecretValue_UnsafePlainText(c.accessKeyID),
			"secretAccessKey": key.SecretAccessKey(),
		},
		// The secret only holds the key that this stack owns: once the
		// stack (and so the key) is gone, the secret is worthless.
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	suppressNagOnNew(c.secret, nagSuppression{
		id: "AwsSolutions-SMG4",
		reason: "An IAM user's access key cannot be rotated by a Secrets Manager rotation Lambda without " +
			"breaking the NAS; it is rotated on purpose by raising keySerial and entering the new key on the NAS.",
	})
	return c
}

// credentialProblems checks the props that [BackupUser] and [BackupBucket]
// share: the user's name and path, the key serial and the e-mail
// addresses. Values that are CDK tokens are not checked.
func credentialProblems(userName, userPath *string, keySerial *float64, emails []string) []error {
	var errs []error
	if userName != nil && !isToken(userName) {
		if err := rules.ValidateUserName(*userName); err != nil {
			errs = append(errs, fmt.Errorf("UserName: %w", err))
		}
	}
	if userPath != nil && !isToken(userPath) {
		if err := rules.ValidateUserPath(*userPath); err != nil {
			errs = append(errs, fmt.Errorf("UserPath: %w", err))
		}
	}
	if keySerial != nil && !isTokenNumber(keySerial) {
		if err := rules.ValidateKeySerial(*keySerial); err != nil {
			errs = append(errs, fmt.Errorf("KeySerial: %w", err))
		}
	}
	for _, err := range rules.NotifyEmailProblems(emails, isTokenText) {
		errs = append(errs, fmt.Errorf("NotifyEmails: %w", err))
	}
	return errs
}
