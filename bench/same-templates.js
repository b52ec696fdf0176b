// Usage: node bench/same-templates.js GO_ASSEMBLY_DIR TS_ASSEMBLY_DIR
// Exits non-zero unless both cloud assemblies hold the same stacks with the
// same templates (ignoring CDK's own analytics and construct-path metadata),
// so the benchmark compares like with like.
'use strict';
const fs = require('fs');
const path = require('path');

// canonical is JSON with object keys sorted: the two languages may order
// the keys of a metadata map differently, which CloudFormation ignores.
const canonical = (v) => {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
};

const load = (dir) => {
  const out = {};
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')).sort()) {
    const t = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    delete t.Resources.CDKMetadata;
    for (const r of Object.values(t.Resources)) {
      if (r.Metadata) delete r.Metadata['aws:cdk:path'];
    }
    out[f] = canonical(t);
  }
  return out;
};
const [goDir, tsDir] = process.argv.slice(2);
const a = load(goDir);
const b = load(tsDir);
const names = [...new Set([...Object.keys(a), ...Object.keys(b)])];
const differ = names.filter((n) => a[n] !== b[n]);
if (names.length === 0 || differ.length > 0) {
  console.error(`templates differ between ${goDir} and ${tsDir}: ${differ.join(', ') || 'no templates'}`);
  process.exit(1);
}
