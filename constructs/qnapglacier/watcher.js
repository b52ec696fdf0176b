// Wires a vault that the NAS creates (app mode): run on a schedule, it
// applies the stack's notifications, tags and protection once the vault
// exists, puts back what was changed by hand, and tells the topic when it
// changed something. Inline Lambda code: at most 4,096 characters.
const G = require('@aws-sdk/client-glacier');
const { SNSClient, PublishCommand } = require('@aws-sdk/client-sns');
const g = new G.GlacierClient({ apiVersion: '2012-06-01' });
const E = process.env;
const v = { accountId: '-', vaultName: E.VAULT_NAME };
const EVENTS = ['ArchiveRetrievalCompleted', 'InventoryRetrievalCompleted'];
// Until the NAS creates the vault (and in an account Glacier no longer
// serves) there is nothing to do: no error, no message.
const QUIET = ['ResourceNotFoundException', 'NoLongerSupportedException'];

const call = (name, extra) => g.send(new G[name + 'Command']({ ...v, ...extra }));
async function get(name) {
  try {
    return await call(name);
  } catch (e) {
    if (QUIET.includes(e.name)) return null;
    throw e;
  }
}

// Policies compare as data: key order, spacing, a one-item list for its
// item, a number for its text, and "*" for {"AWS": "*"} do not matter, in
// case Glacier hands the policy back in another form than it was given.
const canon = (x) => Array.isArray(x) ? (x.length == 1 ? canon(x[0]) : x.map(canon))
  : typeof x == 'number' ? String(x)
  : x && typeof x == 'object' ? (JSON.stringify(x) == '{"AWS":"*"}' ? '*'
    : Object.keys(x).sort().reduce((o, k) => (o[k] = canon(x[k]), o), {})) : x;
const same = (a, b) => JSON.stringify(canon(JSON.parse(a))) == JSON.stringify(canon(JSON.parse(b)));
// The stack's own protection policy, recognized when protection is turned
// off so that it can be removed (and only then: a policy of the owner's
// own stays).
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
  if (changed.length) {
    let m = 'Vault ' + v.vaultName + ' now sends its retrieval notifications (' + EVENTS.join(', ') + ') here';
    m += E.PROTECT_DAYS ? '; archives younger than ' + E.PROTECT_DAYS + ' days cannot be deleted' : '; its archives are not protected from deletion';
    m += '.\n\nqnap-glacier applied: ' + changed.join(', ') + '. It checks the vault every hour and puts back what is changed by hand.';
    await new SNSClient({}).send(new PublishCommand({ TopicArn: E.TOPIC_ARN, Subject: ('Glacier vault ' + v.vaultName).slice(0, 90) + ' is wired', Message: m }));
  }
  console.log('vault ' + v.vaultName + ': ' + (changed.join(', ') || 'as configured'));
  return { changed };
};
