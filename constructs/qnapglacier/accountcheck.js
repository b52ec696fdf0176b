// Fails the deploy of a Glacier vault stack in an account Glacier no
// longer serves, with a reason that says what to use instead. A custom
// resource's own code, because aws-cdk-lib's AwsCustomResource reports
// only the SDK's message. Inline Lambda code: at most 4,096 characters.
const G = require('@aws-sdk/client-glacier');
const https = require('https');
const g = new G.GlacierClient({ apiVersion: '2012-06-01' });

const REFUSED = 'This AWS account cannot use Amazon Glacier vaults: Glacier answers NoLongerSupportedException ' +
  '(it takes no new customers since 15 December 2025), so nothing was created. Back up to an S3 bucket in a ' +
  'Glacier storage class instead: move this vault from "vaults" to "buckets" in the "context" of cdk.json ' +
  '(or use qnapglacier.NewBackupBucket in your own CDK app) and deploy again. Glacier said: ';

const respond = (e, Status, Reason) => new Promise((ok, fail) => {
  const body = JSON.stringify({
    Status, Reason, PhysicalResourceId: e.PhysicalResourceId || 'glacier-account-check',
    StackId: e.StackId, RequestId: e.RequestId, LogicalResourceId: e.LogicalResourceId,
  });
  const u = new URL(e.ResponseURL);
  const r = https.request({
    hostname: u.hostname, path: u.pathname + u.search, method: 'PUT',
    headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
  }, (res) => { res.resume(); res.on('end', ok); });
  r.on('error', fail);
  r.end(body);
});

exports.handler = async (e) => {
  let status = 'SUCCESS', reason = 'Glacier serves this account';
  // Delete (a teardown, or the rollback of a refused Create) has nothing
  // to undo: the check creates nothing.
  if (e.RequestType != 'Delete') {
    try {
      // A vault the NAS has not created yet is fine: the account is served.
      await g.send(new G.DescribeVaultCommand({ accountId: '-', vaultName: e.ResourceProperties.VaultName }),
        { abortSignal: AbortSignal.timeout(30000) });
    } catch (x) {
      if (x.name == 'NoLongerSupportedException') {
        status = 'FAILED';
        reason = REFUSED + x.message;
      } else if (x.name != 'ResourceNotFoundException') {
        status = 'FAILED';
        reason = 'Could not check that Glacier serves this account: ' + x.name + ': ' + x.message;
      }
    }
  }
  console.log(e.RequestType + ': ' + status + ': ' + reason);
  await respond(e, status, reason);
};
