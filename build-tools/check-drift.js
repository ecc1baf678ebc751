// Fails when a generated file differs from what is committed (e.g. API.md after docgen).
// Usage: node build-tools/check-drift.js <file>...
const { execFileSync } = require('child_process');

const files = process.argv.slice(2);
let inGit = true;
try {
  execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { stdio: 'ignore' });
} catch {
  inGit = false;
}
if (!inGit) {
  console.log(`check-drift: not a git work tree, skipped (${files.join(', ')})`);
  process.exit(0);
}
const stale = files.filter((f) => {
  try {
    execFileSync('git', ['diff', '--quiet', '--exit-code', '--', f], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
});
if (stale.length > 0) {
  console.error(
    `check-drift: ${stale.join(', ')} changed when regenerated; review the change and commit it (git add ${stale.join(' ')}).`,
  );
  process.exit(1);
}
console.log(`check-drift: ${files.join(', ')} up to date`);
