// The qnap-glacier app in app mode (the default), written against
// aws-cdk-lib directly: what a TypeScript author would write, as the
// JavaScript tsc emits for it. bench/synth.sh checks that it synthesizes the
// same templates as the Go app, then times both under the CDK CLI.
'use strict';
const crypto = require('crypto');
const cdk = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const sns = require('aws-cdk-lib/aws-sns');
const sm = require('aws-cdk-lib/aws-secretsmanager');
const lambda = require('aws-cdk-lib/aws-lambda');
const logs = require('aws-cdk-lib/aws-logs');
const events = require('aws-cdk-lib/aws-events');
const targets = require('aws-cdk-lib/aws-events-targets');
const fs = require('fs');
const path = require('path');

const WATCHER_CODE = fs.readFileSync(path.join(__dirname, '../../constructs/qnapglacier/watcher.js'), 'utf8');
const WATCHER_ACTIONS = ['glacier:DescribeVault', 'glacier:GetVaultNotifications', 'glacier:SetVaultNotifications',
  'glacier:ListTagsForVault', 'glacier:AddTagsToVault', 'glacier:GetVaultAccessPolicy', 'glacier:SetVaultAccessPolicy',
  'glacier:DeleteVaultAccessPolicy'];

const GLOBAL = ['glacier:ListVaults', 'glacier:GetDataRetrievalPolicy'];
const VAULT = ['glacier:UploadMultipartPart', 'glacier:UploadArchive', 'glacier:ListTagsForVault', 'glacier:ListParts',
  'glacier:ListMultipartUploads', 'glacier:ListJobs', 'glacier:InitiateMultipartUpload', 'glacier:InitiateJob',
  'glacier:GetVaultNotifications', 'glacier:GetVaultLock', 'glacier:GetVaultAccessPolicy', 'glacier:GetJobOutput',
  'glacier:DescribeVault', 'glacier:DescribeJob', 'glacier:DeleteArchive', 'glacier:CreateVault',
  'glacier:CompleteMultipartUpload', 'glacier:AbortMultipartUpload', 'glacier:RemoveTagsFromVault', 'glacier:AddTagsToVault'];

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

const app = new cdk.App();
let vaults = app.node.tryGetContext('vaults') ?? ['QNAP-Glacier-Vault'];
if (typeof vaults === 'string') vaults = vaults.split(',').map((v) => v.trim());
const env = process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } : undefined;
for (const vault of vaults) {
  new BackupUser(app, stackName(vault), vault, { env, description: 'qnap-glacier: backup user and notifications for Glacier vault ' + vault });
}
app.synth();
