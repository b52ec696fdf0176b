// Package qnapglacier is a reusable AWS CDK construct library that gives a NAS
// backup app (QNAP first, Synology too) an IAM user whose access key can back
// up to exactly one Amazon S3 Glacier vault and do nothing else, plus an SNS
// topic wired to that vault so the owner learns when a retrieval is done.
//
// The central construct is [NewBackupUser]. [NewVaultStack] wraps it in a
// stack with the outputs a NAS owner needs, and is what the qnap-glacier app
// deploys once per vault.
//
// The secret access key is only ever written to a Secrets Manager secret: it
// never appears in a template, an output or a log in plain text.
//
// The constructors panic on bad props, naming the construct's path;
// [BackupUserProps.Validate] returns the same problems as an error. The
// Validate* functions check one setting each, with the same messages: they
// are exported for apps that read their settings from elsewhere (the
// qnap-glacier app reads cdk.json) and want one clear error per setting
// before they build a construct.
package qnapglacier
