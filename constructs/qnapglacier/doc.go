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
//
// # Several vaults in one stack
//
// A stack may hold several BackupUsers, one per vault; names that IAM would
// refuse at deploy (two users or policies whose names differ only in
// letter case, two BackupUsers for one vault) are refused at synth. What
// limits their number is CloudFormation's 500 resources per stack: a vault
// in stack mode with protection takes 10 resources (user, policy, key,
// secret, topic, topic policy, four custom resources) plus one per e-mail
// address, so 49 such vaults fit in one stack; in app mode a vault takes 14
// (its watcher brings a schedule, a permission, a function, its invoke
// settings, a role, its policy, a log group and an error alarm), and the
// stack 5 of its own, so 35 fit.
// The Glacier permissions of the custom resources do not limit it: they sit
// on one role per stack, one statement per vault, and what passes IAM's
// 10,240 characters of inline policy moves into managed policies (4 of
// them, within IAM's 10 per role, for 49 vaults with 255-character names).
// The stack-level constructs this package adds for that are the
// custom-resource function aws-cdk-lib makes (AWS679f53fac002430cb0da5b7982bd2287)
// and, under "QnapGlacierCustomResources", its role and its log group
// (kept two weeks, deleted with the stack); a stack with an AwsCustomResource
// of its own made earlier keeps that function's role and log group.
// Every stack with a BackupUser also gets, under "QnapGlacierAccountCheck",
// a function and a custom resource (Custom::GlacierAccountCheck) that
// fail the deploy, before anything of a BackupUser is created, when
// Glacier answers NoLongerSupportedException (an account it no longer
// serves); they use that role and log group, which in app mode exist for
// them alone.
package qnapglacier
