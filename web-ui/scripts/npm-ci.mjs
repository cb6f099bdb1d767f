// Runs `npm ci` unless node_modules already matches package-lock.json (checked by a hash stamp that this
// script writes after a successful `npm ci`), so repeated Maven builds stay fast and offline.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const lockHash = createHash('sha256').update(readFileSync('package-lock.json')).digest('hex');
const stamp = 'node_modules/.kiln-package-lock.sha256';

if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === lockHash) {
  console.log('web-ui: node_modules matches package-lock.json, skipping npm ci');
  process.exit(0);
}

console.log('web-ui: npm ci');
const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
if (result.error) {
  console.error(`web-ui: could not run npm (${result.error.message}); install Node.js 20+ with npm`);
  process.exit(1);
}
if (result.status !== 0) {
  process.exit(result.status ?? 1);
}
writeFileSync(stamp, `${lockHash}\n`);
