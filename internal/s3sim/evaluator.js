// The policy evaluator of package s3sim: AWS IAM's evaluation logic as
// modelled by @cloud-copilot/iam-simulate, not by this project. It reads
// JSON lines on stdin: first {"users": {arn: [policy, ...]}, "resourcePolicy":
// policy or null, "accountId"}, then one {"id", "principal", "action",
// "resource", "context"} per authorization, and answers each with one line
// {"id", "decision", "error"}.
'use strict';
const readline = require('readline');
const { runSimulation } = require('@cloud-copilot/iam-simulate');

let setup = null;
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
    if (setup === null) {
      setup = msg;
      out({ id: 0, decision: 'ready' });
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
