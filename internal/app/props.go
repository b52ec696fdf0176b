package app

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/config"
)

// What internal/config read (plain Go, which the post-deploy check shares
// without compiling the CDK) turned into the constructs' props.

// BackupUserProps are the construct props for one of c's vaults.
func BackupUserProps(c *config.Config, vault string) qnapglacier.BackupUserProps {
	s := c.Settings[vault]
	p := qnapglacier.BackupUserProps{
		VaultName:    jsii.String(vault),
		KeySerial:    jsii.Number(s.KeySerial),
		NotifyEmails: s.NotifyEmails,
		VaultMode:    qnapglacier.VaultMode(s.Mode),
		VaultTags:    s.Tags,
	}
	if s.UserName != "" {
		p.UserName = jsii.String(s.UserName)
	}
	if s.ProtectArchivesDays > 0 {
		p.ProtectArchivesDays = jsii.Number(s.ProtectArchivesDays)
	}
	return p
}

// BackupBucketProps are the construct props for one of c's buckets.
func BackupBucketProps(c *config.Config, bucket string) qnapglacier.BackupBucketProps {
	s := c.BucketSettings[bucket]
	p := qnapglacier.BackupBucketProps{
		Name:             jsii.String(bucket),
		KeySerial:        jsii.Number(s.KeySerial),
		NotifyEmails:     s.NotifyEmails,
		StorageClass:     qnapglacier.StorageClass(s.StorageClass),
		ArchiveAfterDays: s.ArchiveAfterDays,
		KeepDeletedDays:  s.KeepDeletedDays,
	}
	if s.BucketName != "" {
		p.BucketName = jsii.String(s.BucketName)
	}
	if s.UserName != "" {
		p.UserName = jsii.String(s.UserName)
	}
	if s.ProtectArchivesDays > 0 {
		p.ProtectArchivesDays = jsii.Number(s.ProtectArchivesDays)
	}
	return p
}

// Env is the stacks' environment: the CLI profile's account and region when
// the CLI found an account, otherwise nil (environment-agnostic). The CLI
// passes a region even with no profile (us-east-1), so only the account
// tells whether a profile was found.
func Env(getenv func(string) string) *awscdk.Environment {
	account := getenv("CDK_DEFAULT_ACCOUNT")
	if account == "" {
		return nil
	}
	env := &awscdk.Environment{Account: jsii.String(account)}
	if region := getenv("CDK_DEFAULT_REGION"); region != "" {
		env.Region = jsii.String(region)
	}
	return env
}
