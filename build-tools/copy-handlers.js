#!/usr/bin/env node
// Copies the plain-JavaScript Lambda handlers (every `src/**/<name>-handler/` directory) into lib/, where the
// compiled constructs find them with `lambda.Code.fromAsset(path.join(__dirname, '<name>-handler'))`.
'use strict';
const fs = require('fs');
const path = require('path');

function walk(dir, out) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (!e.isDirectory()) continue;
    if (e.name.endsWith('-handler')) out.push(p);
    else walk(p, out);
  }
  return out;
}

let copied = 0;
for (const src of walk('src', [])) {
  const dest = path.join('lib', path.relative('src', src));
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(dest, { recursive: true });
  for (const f of fs.readdirSync(src)) {
    if (f.endsWith('.js')) {
      fs.copyFileSync(path.join(src, f), path.join(dest, f));
      copied++;
    }
  }
}
console.log(`copy-handlers: ${copied} file(s)`);
