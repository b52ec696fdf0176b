// Package qnapglacier is a reusable AWS CDK construct library for NAS
// backups (QNAP first, Synology too): an IAM user whose access key can back
// up to exactly one archive and do nothing else, the key kept in a Secrets
// Manager secret, and an SNS topic that tells the owner when a retrieval
// is done.
//
// # Which construct
//
// The archive is one of two kinds, and each has its construct:
//
//   - [BackupBucket] ([NewBackupBucket]) is an S3 bucket whose lifecycle
//     moves backups to an S3 Glacier storage class ([StorageClasses]),
//     with versioning, Object Lock and a user that cannot delete a
//     version. Pick it unless you already use Glacier vaults: it works in
//     every account.
//   - [BackupUser] ([NewBackupUser]) is for an Amazon S3 Glacier vault, the
//     original vault API. Pick it only for an account that already stores
//     archives in Glacier vaults: Glacier stopped accepting new customers
//     on 15 December 2025, and an account without vault storage gets
//     NoLongerSupportedException (the stack then fails its deploy, before
//     it creates anything, rather than later on the NAS). Its [VaultMode]
//     says who creates the vault: the backup app (the QNAP app insists),
//     or the stack.
//
// [NewBucketStack] and [NewVaultStack] wrap one construct in a stack of its
// own, with the outputs a NAS owner needs (the access key ID, the secret's
// ARN and the command that reads it; never the secret itself): that is
// what the qnap-glacier app deploys per target. [NewCostBudget] (and
// [NewBudgetStack]) add a monthly AWS Budgets cost budget over the
// services these stacks use.
//
// # Props and errors
//
// Each props type has a Validate method that returns every problem at
// once, one per line, each naming its field path (for a stack's props,
// "BackupBucket.ProtectArchivesDays: ..."), the bad value and what is
// allowed. The constructors panic with the same problems, each line
// prefixed with the new construct's path; call Validate first to handle
// them as an error. Values that are CDK tokens are checked at deploy time,
// not here. Every required prop says "Required." in its doc; every other
// prop says its default.
//
// A construct that cannot change the policy of a topic you bring (an
// imported one) adds a warning with the ID [TopicPolicyWarning], which you
// acknowledge once the topic allows what the warning says.
//
// Child construct IDs are part of the API: changing one would replace a
// live resource (a new user or key breaks the NAS's credentials).
//
// # Limits
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
