// Runs a Lambda handler as Lambda would: it loads the handler's file once
// and feeds it events (CloudFormation's, or a schedule's), one JSON object
// per line on stdin. After each event it prints one line on stdout, "done"
// or "error <message>" (when the handler itself threw). The handler's own
// logs go to stderr.
//
// The handler answers CloudFormation with require("https").request({hostname,
// path}) and drops the port of ResponseURL, because in Lambda that URL is a
// pre-signed S3 URL on port 443. Here the ResponseURL points at the test's
// local HTTP server, so https.request is sent there over plain HTTP, to the
// URL's own port. Nothing else of the handler or the SDK is changed.
'use strict';
const http = require('http');
const https = require('https');
const readline = require('readline');

const [, , assetDir, handlerName] = process.argv;
const [file, exportName] = handlerName.split('.');

let responsePort;
https.request = (opts, cb) => http.request({ ...opts, port: responsePort }, cb);

const out = (line) => process.stdout.write(line + '\n');
console.log = (...args) => process.stderr.write(args.join(' ') + '\n');

const handler = require(require('path').join(assetDir, file))[exportName];

const rl = readline.createInterface({ input: process.stdin });
const queue = [];
let busy = false;
let closed = false;
rl.on('line', (line) => { queue.push(line); next(); });
// The SDK keeps connections alive, which would keep Node running: end when
// the test has sent its last event and it is handled.
rl.on('close', () => { closed = true; next(); });

async function next() {
  if (busy) return;
  if (queue.length === 0) {
    if (closed) process.exit(0);
    return;
  }
  busy = true;
  const event = JSON.parse(queue.shift());
  // Only CloudFormation's events carry a ResponseURL; a scheduled event
  // has none.
  if (event.ResponseURL) responsePort = new URL(event.ResponseURL).port;
  const context = {
    functionName: 'contract-test',
    logStreamName: 'contract-test/stream',
    getRemainingTimeInMillis: () => 120000,
  };
  try {
    const result = await handler(event, context);
    out('done ' + JSON.stringify(result === undefined ? null : result));
  } catch (err) {
    out('error ' + JSON.stringify(String(err && err.stack || err)));
  }
  busy = false;
  next();
}
