#!/usr/bin/env node
'use strict';
// In a source checkout the TypeScript sources run through tsx, so what runs is always what is
// checked out; an installed package (no .ts sources) runs its compiled output.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const source = path.join(root, 'core', 'cli', 'main.ts');
if (fs.existsSync(source)) {
  require('tsx/cjs');
  require(source);
} else {
  require(path.join(root, 'dist', 'core', 'cli', 'main.js'));
}
