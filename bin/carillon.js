#!/usr/bin/env node
'use strict';
// In a source checkout the TypeScript sources run through tsx, so what runs is always what is
// checked out; an installed package (no .ts sources) runs its compiled output.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const source = path.join(root, 'core', 'cli', 'main.ts');
// The entry point calls main() itself: npx runs this file through node_modules/.bin/carillon, so
// the CLI module cannot tell from process.argv[1] that it is being run.
let cli;
if (fs.existsSync(source)) {
  require('tsx/cjs');
  cli = require(source);
} else {
  cli = require(path.join(root, 'dist', 'core', 'cli', 'main.js'));
}
void cli.main(process.argv);
