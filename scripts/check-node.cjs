/**
 * Stops with one line when this Node is older than package.json's `engines.node`, saying what is
 * needed and how to get it. It is the first step of every npm script that needs that Node (and
 * `prepare`, which `npm install` runs): without it, an older Node fails later and obscurely — the
 * server with `Unknown file extension ".ts"`. Plain CommonJS with nothing newer than ES2015, so any
 * Node can run it; it reads two small files, so it adds only Node's own start-up (tens of ms).
 *
 *   node scripts/check-node.cjs          exit 0 silently, or exit 1 with the line on stderr
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, so that any Node can run it */
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');

/** `>=22.18.0` → [22, 18, 0]. Only that form is read: another range in package.json must be taught here first. */
function minimumOf(range) {
  const match = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(String(range).trim());
  if (!match) throw new Error('scripts/check-node.cjs reads engines.node of the form ">=X.Y.Z", not "' + range + '"');
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Whether version `22.18.0` (or `v22.18.0`) is at least `minimum`. */
function satisfies(version, minimum) {
  const parts = String(version).replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((parts[i] || 0) !== minimum[i]) return (parts[i] || 0) > minimum[i];
  }
  return true;
}

/** The line to print when `version` is too old for `range`, or null when it will do. */
function problem(version, range, recommended) {
  if (satisfies(version, minimumOf(range))) return null;
  const wanted = recommended || String(minimumOf(range)[0]);
  const folder = '.cache/node' + wanted.split('.')[0];
  return (
    'Folio needs Node ' + range + ', and this is Node ' + String(version).replace(/^v/, '') + '. ' +
    'Get Node ' + wanted + ' with `nvm install` (it reads .nvmrc), or without nvm: ' +
    '`npm install --prefix ' + folder + ' node@' + wanted + ' && export PATH="$PWD/' + folder + '/node_modules/node/bin:$PATH"`, ' +
    'then run the command again.'
  );
}

function readRequirement() {
  const engines = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).engines || {};
  let recommended = '';
  try {
    recommended = fs.readFileSync(path.join(root, '.nvmrc'), 'utf8').trim().replace(/^v/, '');
  } catch {
    // No .nvmrc: recommend the minimum's major version.
  }
  return { range: engines.node, recommended: recommended };
}

module.exports = { problem: problem, readRequirement: readRequirement };

if (require.main === module) {
  const requirement = readRequirement();
  const line = problem(process.versions.node, requirement.range, requirement.recommended);
  if (line) {
    process.stderr.write(line + '\n');
    process.exit(1);
  }
}
