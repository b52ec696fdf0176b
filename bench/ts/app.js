// The qnap-glacier app with default settings, written against aws-cdk-lib
// directly: what a TypeScript author would write, as the JavaScript tsc
// emits for it. It builds a vault stack (app mode) per name in "vaults" and
// a bucket stack per name in "buckets" (each a comma-separated list), with
// the Go app's defaults. bench/synth.sh checks that it synthesizes the same
// templates as the Go app, then times both under the CDK CLI.
'use strict';
const crypto = require('crypto');
const cdk = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const sns = require('aws-cdk-lib/aws-sns');
const sm = require('aws-cdk-lib/aws-secretsmanager');
const s3 = require('aws-cdk-lib/aws-s3');
const cloudwatch = require('aws-cdk-lib/aws-cloudwatch');
const lambda = require('aws-cdk-lib/aws-lambda');
const logs = require('aws-cdk-lib/aws-logs');
const events = require('aws-cdk-lib/aws-events');
const targets = require('aws-cdk-lib/aws-events-targets');
const { Construct } = require('constructs');
const fs = require('fs');
const path = require('path');

const WATCHER_CODE = fs.readFileSync(path.join(__dirname, '../../constructs/qnapglacier/watcher.js'), 'utf8');
const ACCOUNT_CHECK_CODE = fs.readFileSync(path.join(__dirname, '../../constructs/qnapglacier/accountcheck.js'), 'utf8');
const MAX_VAULT_ARN_LEN = 4 + 10 + 9 + 14 + 1 + 12 + 8 + 255;
const WATCHER_ACTIONS = ['glacier:DescribeVault', 'glacier:GetVaultNotifications', 'glacier:SetVaultNotifications',
  'glacier:ListTagsForVault', 'glacier:AddTagsToVault', 'glacier:RemoveTagsFromVault', 'glacier:GetVaultAccessPolicy', 'glacier:SetVaultAccessPolicy',
  'glacier:DeleteVaultAccessPolicy'];

const GLOBAL = ['glacier:ListVaults', 'glacier:GetDataRetrievalPolicy'];
const VAULT = ['glacier:UploadMultipartPart', 'glacier:UploadArchive', 'glacier:ListTagsForVault', 'glacier:ListParts',
  'glacier:ListMultipartUploads', 'glacier:ListJobs', 'glacier:InitiateMultipartUpload', 'glacier:InitiateJob',
  'glacier:GetVaultNotifications', 'glacier:GetVaultLock', 'glacier:GetVaultAccessPolicy', 'glacier:GetJobOutput',
  'glacier:DescribeVault', 'glacier:DescribeJob', 'glacier:DeleteArchive', 'glacier:CreateVault',
  'glacier:CompleteMultipartUpload', 'glacier:AbortMultipartUpload', 'glacier:RemoveTagsFromVault', 'glacier:AddTagsToVault'];

// The S3 actions of a bucket's user and the bucket policy's denials, as
// constructs/qnapglacier/bucketpolicy.go lists them.
const BUCKET_GLOBAL = ['s3:ListAllMyBuckets'];
const BUCKET = ['s3:GetBucketLocation', 's3:GetBucketObjectLockConfiguration', 's3:GetBucketVersioning', 's3:ListBucket',
  's3:ListBucketMultipartUploads', 's3:ListBucketVersions'];
const BUCKET_OBJECTS = ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:GetObjectRetention',
  's3:GetObjectVersion', 's3:ListMultipartUploadParts', 's3:PutObject', 's3:PutObjectRetention', 's3:RestoreObject'];
const BUCKET_ACL = ['s3:PutObjectAcl'];
const BUCKET_DENIED = ['s3:DeleteObjectVersion', 's3:BypassGovernanceRetention', 's3:PutObjectLegalHold', 's3:PutBucketPolicy',
  's3:DeleteBucketPolicy', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration', 's3:PutBucketObjectLockConfiguration',
  's3:PutEncryptionConfiguration', 's3:PutBucketPublicAccessBlock', 's3:PutBucketOwnershipControls', 's3:PutBucketAcl',
  's3:PutObjectVersionAcl', 's3:PutBucketNotification', 's3:DeleteBucket'];
const RETENTION = ['s3:PutObject', 's3:PutObjectRetention'];

const hash = (s) => crypto.createHash('sha256').update(s).digest('hex').slice(0, 8);
const fit = (prefix, name, suffix, max) => {
  const full = prefix + name + suffix;
  if (full.length <= max) return full;
  return prefix + name.slice(0, max - prefix.length - suffix.length - 9) + '-' + hash(name) + suffix;
};
const stackName = (v) => {
  const clean = v.replace(/[^A-Za-z0-9-]/g, '-');
  if (clean === v) return fit('QnapGlacier-', v, '', 128);
  const suffix = '-' + hash(v);
  return 'QnapGlacier-' + clean.slice(0, 128 - 12 - suffix.length) + suffix;
};
const nag = (c, rules) => c.node.defaultChild.addMetadata('cdk_nag', { rules_to_suppress: rules });

class BackupUser extends cdk.Stack {
  constructor(scope, id, vault, props) {
    super(scope, id, props);
    const b = new (require('constructs').Construct)(this, 'BackupUser');
    const vaultArn = this.formatArn({ service: 'glacier', resource: 'vaults', resourceName: vault, arnFormat: cdk.ArnFormat.SLASH_RESOURCE_NAME });
    const user = new iam.User(b, 'User', { userName: fit('', vault, '-user', 64), path: '/automation/' });
    const policy = new iam.ManagedPolicy(b, 'Policy', {
      managedPolicyName: fit('QNAPGlacierIAMUserPolicy-', vault, '', 128), path: '/automation/',
      description: 'Policy for QNAP Glacier User', users: [user],
      statements: [
        new iam.PolicyStatement({ sid: 'AllowGlacierGlobal', actions: GLOBAL, resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'AllowGlacierVault', actions: VAULT, resources: [vaultArn] }),
      ],
    });
    nag(policy, [{ id: 'AwsSolutions-IAM5', reason: 'glacier:ListVaults and glacier:GetDataRetrievalPolicy act on the account, not a vault, so IAM accepts only "*" for them; every other action is scoped to the one vault ARN.', applies_to: ['Resource::*'] }]);
    const key = new iam.AccessKey(b, 'AccessKey', { user, serial: 1 });
    const secret = new sm.Secret(b, 'Secret', {
      description: 'Access key of the Glacier backup user for vault ' + vault,
      secretObjectValue: { accessKeyId: cdk.SecretValue.unsafePlainText(key.accessKeyId), secretAccessKey: key.secretAccessKey },
      removalPolicy: cdk.RemovalPolicy.DESTROY,
    });
    nag(secret, [{ id: 'AwsSolutions-SMG4', reason: "An IAM user's access key cannot be rotated by a Secrets Manager rotation Lambda without breaking the NAS; it is rotated on purpose by raising keySerial and entering the new key on the NAS." }]);
    const topic = new sns.Topic(b, 'Topic', { displayName: fit('Glacier ', vault, '', 100), enforceSSL: true });
    topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowGlacierPublish', principals: [new iam.ServicePrincipal('glacier.amazonaws.com')], actions: ['sns:Publish'],
      resources: [topic.topicArn], conditions: { StringEquals: { 'AWS:SourceOwner': this.account } },
    }));
    const w = new (require('constructs').Construct)(new (require('constructs').Construct)(b, 'Vault'), 'Watcher');
    const wlogs = new logs.LogGroup(w, 'Logs', { retention: logs.RetentionDays.TWO_WEEKS, removalPolicy: cdk.RemovalPolicy.DESTROY });
    const wrole = new iam.Role(w, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: 'Wires Glacier vault ' + vault + ' once the NAS has created it' });
    wlogs.grantWrite(wrole);
    wrole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: WATCHER_ACTIONS, resources: [vaultArn] }));
    wrole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
    const fn = new lambda.Function(w, 'Function', {
      description: fit('qnap-glacier: wires Glacier vault ', vault, ' once the NAS has created it', 256),
      runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline(WATCHER_CODE),
      role: wrole, logGroup: wlogs, memorySize: 128, timeout: cdk.Duration.seconds(60), retryAttempts: 0,
      environment: { VAULT_NAME: vault, TOPIC_ARN: topic.topicArn, TAGS: JSON.stringify({ project: 'qnap-glacier', 'qnap-glacier:vault': vault }) },
    });
    new events.Rule(w, 'Schedule', {
      description: 'Checks Glacier vault ' + vault + ' every hour', schedule: events.Schedule.expression('rate(1 hour)'),
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 0 })],
    });
    const alarm = new cloudwatch.Alarm(w, 'ErrorAlarm', {
      alarmDescription: fit('qnap-glacier: the watcher of Glacier vault ', vault, ' failed in the last hour; its log group says why', 1024),
      metric: fn.metricErrors({ period: cdk.Duration.hours(1), statistic: 'Sum' }),
      threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const toTopic = { bind: () => ({ alarmActionArn: topic.topicArn }) };
    alarm.addAlarmAction(toTopic);
    alarm.addOkAction(toTopic);
    topic.addToResourcePolicy(iam.PolicyStatement.fromJson({
      Sid: 'AllowWatcherAlarm', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish',
      Resource: topic.topicArn, Condition: { ArnEquals: { 'aws:SourceArn': alarm.alarmArn }, StringEquals: { 'aws:SourceAccount': this.account } },
    }));
    // The account check, before anything of the backup user.
    const crs = new Construct(this, 'QnapGlacierCustomResources');
    crs.node.setContext('@aws-cdk/aws-iam.arnSizeEstimate', MAX_VAULT_ARN_LEN);
    const crLogs = new logs.LogGroup(crs, 'Logs', { retention: logs.RetentionDays.TWO_WEEKS, removalPolicy: cdk.RemovalPolicy.DESTROY });
    const crRole = new iam.Role(crs, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: "Runs qnap-glacier's Glacier calls at deploy time, on the stack's vaults only" });
    crLogs.grantWrite(crRole);
    const granted = crRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['glacier:DescribeVault'], resources: [vaultArn] }));
    const ac = new Construct(this, 'QnapGlacierAccountCheck');
    const acFn = new lambda.Function(ac, 'Function', {
      description: 'qnap-glacier: fails the deploy when Glacier no longer serves this account',
      runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline(ACCOUNT_CHECK_CODE),
      role: crRole, logGroup: crLogs, memorySize: 128, timeout: cdk.Duration.seconds(60),
    });
    const check = new cdk.CustomResource(ac, 'Check', { serviceToken: acFn.functionArn, resourceType: 'Custom::GlacierAccountCheck', properties: { VaultName: vault } });
    check.node.addDependency(granted.policyDependable);
    b.node.addDependency(check);
    cdk.Tags.of(this).add('project', 'qnap-glacier');
    cdk.Tags.of(this).add('qnap-glacier:vault', vault);
    const out = (id, value, description) => new cdk.CfnOutput(this, id, { value, description });
    out('VaultName', vault, 'The Glacier vault this user may use.');
    out('VaultArn', vaultArn, 'The ARN of that vault.');
    out('UserName', user.userName, 'The IAM user the NAS signs in as.');
    out('AccessKeyId', key.accessKeyId, 'The access key ID to enter on the NAS (not secret).');
    out('SecretArn', secret.secretArn, 'The Secrets Manager secret holding the access key and secret access key.');
    out('GetSecretCommand', cdk.Fn.join('', ['aws secretsmanager get-secret-value --region ', this.region, ' --secret-id ', secret.secretArn, ' --query SecretString --output text']),
      'Run this to read the secret access key; keep what it prints private.');
    out('TopicArn', topic.topicArn, 'The SNS topic that announces finished retrievals.');
    out('VaultMode', 'app', 'Who creates the vault: app, existing or stack.');
    out('NextStep', 'Enter the access key on the NAS and let its backup app create the vault ' + vault +
      '. Within an hour of that the stack wires the vault\'s notifications, tags and protection by itself and e-mails you; ' +
      'to have them applied at deploy time instead, set "vaultMode": "existing" for this vault in cdk.json and deploy again.', 'What to do next.');
  }
}


// nagResource renders a value as cdk-nag names a resource in a finding.
const nagResource = (stack, value) => {
  const flat = (v) => {
    if (typeof v === 'string') return v;
    if (v.Ref) return `<${v.Ref}>`;
    if (v['Fn::GetAtt']) return `<${v['Fn::GetAtt'][0]}.${v['Fn::GetAtt'][1]}>`;
    if (v['Fn::Join']) return v['Fn::Join'][1].map(flat).join(v['Fn::Join'][0]);
    return String(v);
  };
  return 'Resource::' + flat(stack.resolve(value));
};

class BucketStack extends cdk.Stack {
  constructor(scope, id, name, props) {
    super(scope, id, props);
    const b = new Construct(this, 'BackupBucket');
    const bucketName = fit('', name, '', 33) + '-' + this.account + '-' + this.region;
    const bucketArn = this.formatArn({ service: 's3', region: '', account: '', resource: bucketName });
    const objectsArn = bucketArn + '/*';
    const user = new iam.User(b, 'User', { userName: fit('', name, '-user', 64), path: '/automation/' });
    const policy = new iam.ManagedPolicy(b, 'Policy', {
      managedPolicyName: fit('QNAPGlacierS3UserPolicy-', name, '', 128), path: '/automation/',
      description: 'Policy for QNAP Glacier S3 backup user', users: [user],
      document: iam.PolicyDocument.fromJson({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ListBucketsForSetUp', Effect: 'Allow', Action: BUCKET_GLOBAL, Resource: '*' },
          { Sid: 'UseTheBackupBucket', Effect: 'Allow', Action: BUCKET, Resource: bucketArn },
          { Sid: 'UseTheBackupObjects', Effect: 'Allow', Action: BUCKET_OBJECTS, Resource: objectsArn },
          { Sid: 'UploadWithTheOneACLTheBucketAccepts', Effect: 'Allow', Action: BUCKET_ACL, Resource: objectsArn,
            Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } },
        ],
      }),
    });
    nag(policy, [{ id: 'AwsSolutions-IAM5', reason: 's3:ListAllMyBuckets acts on the account (the NAS set-up wizards list buckets), so IAM accepts only "*"; ' +
      'object actions need the bucket\'s objects, "<bucket>/*"; bucket actions are on the one bucket ARN.', applies_to: ['Resource::*', nagResource(this, objectsArn)] }]);
    const key = new iam.AccessKey(b, 'AccessKey', { user, serial: 1 });
    const secret = new sm.Secret(b, 'Secret', {
      description: 'Access key of the S3 backup user for bucket target ' + name,
      secretObjectValue: { accessKeyId: cdk.SecretValue.unsafePlainText(key.accessKeyId), secretAccessKey: key.secretAccessKey },
      removalPolicy: cdk.RemovalPolicy.DESTROY,
    });
    nag(secret, [{ id: 'AwsSolutions-SMG4', reason: "An IAM user's access key cannot be rotated by a Secrets Manager rotation Lambda without breaking the NAS; it is rotated on purpose by raising keySerial and entering the new key on the NAS." }]);

    const bucket = new s3.Bucket(b, 'Bucket', {
      bucketName, versioned: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED, objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: cdk.RemovalPolicy.RETAIN, objectLockEnabled: true,
      transitionDefaultMinimumObjectSize: s3.TransitionDefaultMinimumObjectSize.ALL_STORAGE_CLASSES_128_K,
      lifecycleRules: [{
        id: 'ArchiveAndExpire',
        transitions: [{ storageClass: new s3.StorageClass('GLACIER_IR'), transitionAfter: cdk.Duration.days(0) }],
        noncurrentVersionExpiration: cdk.Duration.days(90),
        abortIncompleteMultipartUploadAfter: cdk.Duration.days(7),
        expiredObjectDeleteMarker: true,
      }],
    });
    const deny = (sid, actions, resources, conditions) => new iam.PolicyStatement({
      sid, effect: iam.Effect.DENY, principals: [new iam.ArnPrincipal(user.userArn)], actions, resources, conditions,
    });
    bucket.addToResourcePolicy(deny('DenyTheBackupUserDestructiveActions', BUCKET_DENIED, [bucket.bucketArn, bucket.arnForObjects('*')]));
    bucket.addToResourcePolicy(deny('DenyTheBackupUserObjectACLsButBucketOwnerFullControl', BUCKET_ACL, [bucket.arnForObjects('*')],
      { StringNotEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } }));
    bucket.addToResourcePolicy(deny('DenyTheBackupUserComplianceRetention', RETENTION, [bucket.arnForObjects('*')],
      { StringEquals: { 's3:object-lock-mode': 'COMPLIANCE' } }));
    bucket.addToResourcePolicy(deny('DenyTheBackupUserRetentionBeyondProtectArchivesDays', RETENTION, [bucket.arnForObjects('*')],
      { NumericGreaterThan: { 's3:object-lock-remaining-retention-days': 0 } }));
    bucket.policy.applyRemovalPolicy(cdk.RemovalPolicy.RETAIN);
    nag(bucket, [{ id: 'AwsSolutions-S1', reason: "Server access logs would need a second bucket, cost money, and record only the NAS's own requests; " +
      'the bucket is private, its one user is scoped to it and cannot delete versions.' }]);

    const topic = new sns.Topic(b, 'Topic', { displayName: fit('S3 restores ', name, '', 100), enforceSSL: true });
    topic.addToResourcePolicy(iam.PolicyStatement.fromJson({
      Sid: 'AllowS3PublishFromTheBackupBucket', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sns:Publish',
      Resource: topic.topicArn, Condition: { ArnEquals: { 'aws:SourceArn': bucketArn }, StringEquals: { 'aws:SourceAccount': this.account } },
    }));
    const cfnBucket = bucket.node.defaultChild;
    cfnBucket.notificationConfiguration = { topicConfigurations: [{ event: 's3:ObjectRestore:Completed', topic: topic.topicArn }] };
    cfnBucket.node.addDependency(topic.node.findChild('Policy'));
    const digest = new sns.Topic(b, 'Digest', { displayName: fit('Restores ', name, '', 100), enforceSSL: true });
    const alarm = new cloudwatch.Alarm(b, 'RestoreAlarm', {
      alarmDescription: 'Objects of S3 bucket ' + bucketName + ' finished restoring from the archive class. ' +
        "ALARM: at least one restore completed in the last hour; download them on the NAS within the restore's days. " +
        'OK: none in the last hour, so a restore that was running is likely done.',
      metric: topic.metricNumberOfMessagesPublished({ period: cdk.Duration.hours(1), statistic: 'Sum' }),
      threshold: 1, evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = { bind: () => ({ alarmActionArn: digest.topicArn }) };
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    digest.addToResourcePolicy(iam.PolicyStatement.fromJson({
      Sid: 'AllowTheRestoreAlarmToPublish', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish',
      Resource: digest.topicArn, Condition: { ArnEquals: { 'aws:SourceArn': alarm.alarmArn }, StringEquals: { 'aws:SourceAccount': this.account } },
    }));

    cdk.Tags.of(this).add('project', 'qnap-glacier');
    cdk.Tags.of(this).add('qnap-glacier:bucket', name);
    const out = (id, value, description) => new cdk.CfnOutput(this, id, { value, description });
    out('BucketName', bucketName, 'The S3 bucket to enter on the NAS.');
    out('BucketRegion', this.region, "The bucket's region.");
    out('BucketEndpoint', 's3.' + this.region + '.' + this.urlSuffix, 'The S3 endpoint of that region, for apps that ask for one (HTTPS).');
    out('StorageClass', 'GLACIER_IR', 'The archive class the lifecycle moves backups to; upload to S3 Standard and let the lifecycle move them.');
    out('UserName', user.userName, 'The IAM user the NAS signs in as.');
    out('AccessKeyId', key.accessKeyId, 'The access key ID to enter on the NAS (not secret).');
    out('SecretArn', secret.secretArn, 'The Secrets Manager secret holding the access key and secret access key.');
    out('GetSecretCommand', 'aws secretsmanager get-secret-value --region ' + this.region + ' --secret-id ' + secret.secretArn +
      ' --query SecretString --output text', 'Run this to read the secret access key; keep what it prints private.');
    out('TopicArn', topic.topicArn, 'The SNS topic that gets one event per restored object, for machines.');
    out('DigestTopicArn', digest.topicArn, 'The SNS topic that e-mails at most hourly when restores complete.');
  }
}

// The Go app's feature flags (internal/app/flags.go), as the lowest layer
// of context, where the Go app puts them.
const flagsGo = fs.readFileSync(path.join(__dirname, '../../internal/app/flags.go'), 'utf8');
const flagsBody = flagsGo.slice(flagsGo.indexOf('var featureFlags = map[string]any{'));
const featureFlags = {};
for (const [, k, v] of flagsBody.slice(0, flagsBody.indexOf('\n}')).matchAll(/^\s*("[^"]+"):\s*(.+),$/gm)) {
  featureFlags[JSON.parse(k)] = JSON.parse(v.replace(/^\[\]any\{(.*)\}$/, '[$1]'));
}
if (Object.keys(featureFlags).length < 80) throw new Error('bench/ts/app.js: cannot read the feature flags in internal/app/flags.go');
const app = new cdk.App({ context: featureFlags });
const list = (v) => (typeof v === 'string' ? v.split(',').map((x) => x.trim()) : v);
const buckets = list(app.node.tryGetContext('buckets')) ?? [];
// With buckets and no vaults the Go app builds no vault; with neither, its default vault.
const vaults = list(app.node.tryGetContext('vaults')) ?? (buckets.length ? [] : ['QNAP-Glacier-Vault']);
const env = process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } : undefined;
for (const vault of vaults) {
  new BackupUser(app, stackName(vault), vault, { env, description: 'qnap-glacier: backup user and notifications for Glacier vault ' + vault });
}
for (const bucket of buckets) {
  new BucketStack(app, stackName(bucket), bucket, { env, description: 'qnap-glacier: backup bucket, user and restore notifications for ' + bucket });
}
app.synth();
