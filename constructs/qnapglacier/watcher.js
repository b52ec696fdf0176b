// Wires a vault the NAS creates (app mode), hourly: applies the stack's
// notifications, tags and protection once the vault exists, puts back what
// is changed by hand, and tells the topic what it changed. Inline Lambda
// code: at most 4,096 characters.
const G = require('@aws-sdk/client-glacier');
const { SNSClient, PublishCommand } = require('@aws-sdk/client-sns');
const g = new G.GlacierClient({ apiVersion: '2012-06-01' });
const E = process.env;
const v = { accountId: '-', vaultName: E.VAULT_NAME };
const EVENTS = ['ArchiveRetrievalCompleted', 'InventoryRetrievalCompleted'];
// Until the NAS creates the vault there is nothing to do. Every other
// error fails the run, which the stack's alarm reports.
const QUIET = ['ResourceNotFoundException'];
// A message whose publish failed waits in this vault tag for the next run.
const UNSENT = 'qnap-glacier:unsent';

const call = (name, extra) => g.send(new G[name + 'Command']({ ...v, ...extra }));
async function get(name) {
  try {
    return await call(name);
  } catch (e) {
    if (QUIET.includes(e.name)) return null;
    throw e;
  }
}

// Policies compare as data (key order, spacing, a one-item list for its
// item, a number for its text, "*" for {"AWS": "*"} do not matter): Glacier
// may hand a policy back in another form.
const canon = (x) => Array.isArray(x) ? (x.length == 1 ? canon(x[0]) : x.map(canon))
  : typeof x == 'number' ? String(x)
  : x && typeof x == 'object' ? (JSON.stringify(x) == '{"AWS":"*"}' ? '*'
    : Object.keys(x).sort().reduce((o, k) => (o[k] = canon(x[k]), o), {})) : x;
const same = (a, b) => JSON.stringify(canon(JSON.parse(a))) == JSON.stringify(canon(JSON.parse(b)));
// The stack's own protection policy, removed once protection is off (an
// owner's own policy stays).
const OURS = /"Sid":"DenyDeletingArchivesYoungerThan\d+Days"/;

exports.handler = async () => {
  if (!(await get('DescribeVault'))) {
    console.log('vault ' + v.vaultName + ' does not exist yet');
    return { changed: [] };
  }
  const changed = [];
  const n = ((await get('GetVaultNotifications')) || {}).vaultNotificationConfig;
  if (!n || n.SNSTopic != E.TOPIC_ARN || EVENTS.some((e) => !(n.Events || []).includes(e))) {
    await call('SetVaultNotifications', { vaultNotificationConfig: { SNSTopic: E.TOPIC_ARN, Events: EVENTS } });
    changed.push('notifications');
  }
  const want = JSON.parse(E.TAGS);
  const have = ((await get('ListTagsForVault')) || {}).Tags || {};
  if (Object.keys(want).some((k) => have[k] !== want[k])) {
    await call('AddTagsToVault', { Tags: want });
    changed.push('tags');
  }
  const p = (((await get('GetVaultAccessPolicy')) || {}).policy || {}).Policy;
  if (E.POLICY && (!p || !same(p, E.POLICY))) {
    await call('SetVaultAccessPolicy', { policy: { Policy: E.POLICY } });
    changed.push('protection');
  } else if (!E.POLICY && p && OURS.test(JSON.stringify(JSON.parse(p)))) {
    await call('DeleteVaultAccessPolicy');
    changed.push('protection removed');
  }
  if (have[UNSENT]) changed.push(...have[UNSENT].split('/').filter((c) => !changed.includes(c)));
  if (changed.length) {
    let m = 'Vault ' + v.vaultName + ' now sends its retrieval notifications (' + EVENTS.join(', ') + ') here';
    m += E.PROTECT_DAYS ? '; archives younger than ' + E.PROTECT_DAYS + ' days cannot be deleted' : '; its archives are not protected from deletion';
    m += '.\n\nqnap-glacier applied: ' + changed.join(', ') + '. It checks the vault every hour and puts back what is changed by hand.';
    try {
      await new SNSClient({}).send(new PublishCommand({ TopicArn: E.TOPIC_ARN, Subject: ('Glacier vault ' + v.vaultName).slice(0, 90) + ' is wired', Message: m }));
    } catch (x) {
      await call('AddTagsToVault', { Tags: { [UNSENT]: changed.join('/') } }).catch(() => 0);
      throw x;
    }
    if (have[UNSENT]) await call('RemoveTagsFromVault', { TagKeys: [UNSENT] });
  }
  console.log('vault ' + v.vaultName + ': ' + (changed.join(', ') || 'as configured'));
  return { changed };
};
