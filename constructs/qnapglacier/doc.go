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
package qnapglacier
