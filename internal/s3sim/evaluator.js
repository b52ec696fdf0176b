// The policy evaluator of package s3sim: AWS IAM's evaluation logic as
// modelled by @cloud-copilot/iam-simulate, not by this project. One process
// serves every local bucket of a test binary, each a session. It reads JSON
// lines on stdin and answers each with one line {"id", "decision", "error"}:
//   {"ping": true}: answers {"id": 0, "decision": "ready"};
//   {"session", "setup": {"users": {arn: [policy, ...]}, "resourcePolicy":
//     policy or null, "accountId"}}: keeps a session's policies;
//   {"session", "id", "principal", "action", "resource", "context"}: one
//     authorization against that session's policies;
//   {"session", "drop": true}: forgets a session.
'use strict';
const readline = require('readline');
const { runSimulation } = require('@cloud-copilot/iam-simulate');

const sessions = new Map();
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const rl = readline.createInterface({ input: process.stdin, terminal: false });
let queue = Promise.resolve();
rl.on('line', (line) => {
  queue = queue.then(async () => {
    let msg;
    try {
      msg = JSON.parse(line);
    } catch (e) {
      out({ id: -1, error: 'bad JSON: ' + e.message });
      return;
    }
    if (msg.ping) {
      out({ id: 0, decision: 'ready' });
      return;
    }
    if (msg.setup) {
      sessions.set(msg.session, msg.setup);
      out({ id: 0, decision: 'ready' });
      return;
    }
    if (msg.drop) {
      sessions.delete(msg.session);
      out({ id: 0, decision: 'dropped' });
      return;
    }
    const setup = sessions.get(msg.session);
    if (!setup) {
      out({ id: msg.id, error: 'no session ' + msg.session });
      return;
    }
    try {
      const policies = setup.users[msg.principal] || [];
      const res = await runSimulation(
        {
          identityPolicies: policies.map((policy, i) => ({ name: 'policy' + i, policy })),
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          resourcePolicy: setup.resourcePolicy || undefined,
          request: {
            action: msg.action,
            principal: msg.principal,
            resource: { resource: msg.resource, accountId: setup.accountId },
            contextVariables: msg.context || {},
          },
        },
        {},
      );
      if (res.resultType === 'error') {
        out({ id: msg.id, error: JSON.stringify(res.errors) });
        return;
      }
      out({ id: msg.id, decision: res.overallResult });
    } catch (e) {
      out({ id: msg.id, error: String((e && e.stack) || e) });
    }
  });
});
