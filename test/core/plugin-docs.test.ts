import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/test-app';
import { REPO_ROOT } from '../support/cli';

const GUIDE = path.join(REPO_ROOT, 'docs', 'plugins.md');

/** Event names in the guide's core events table (rows starting with `| \`name\` |`). */
function documentedEvents(): Map<string, string> {
  const text = fs.readFileSync(GUIDE, 'utf8');
  const section = text.slice(text.indexOf('The core events a plugin may subscribe to'));
  const rows = new Map<string, string>();
  for (const match of section.matchAll(/^\| `([a-zA-Z]+\.[a-zA-Z]+)` \| ([^|]+) \|/gm)) rows.set(match[1]!, match[2]!.trim());
  return rows;
}

/** Keys of every `interface CarillonEvents { … }` in core and provisioning (the bus's payload types). */
function typedEvents(): string[] {
  const names: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const source = fs.readFileSync(full, 'utf8');
        for (const block of source.matchAll(/^\s*(?:export\s+)?interface CarillonEvents \{([\s\S]*?)\n\s*\}/gm)) {
          for (const key of block[1]!.matchAll(/^\s*'([^']+)':/gm)) names.push(key[1]!);
        }
      }
    }
  };
  walk(path.join(REPO_ROOT, 'core'));
  walk(path.join(REPO_ROOT, 'provisioning'));
  return [...new Set(names)].sort();
}

/** docs/plugins.md is meant to be enough to write a plugin: its list of core events follows the code. */
describe('docs/plugins.md', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t?.stop());

  it('lists every event core defines, with the permission it is sent to browsers with', () => {
    const documented = documentedEvents();
    const defined = t.app.cradle.events.list().filter((e) => e.owner === 'core');
    expect(defined.length).to.be.greaterThan(5);
    expect(defined.map((e) => e.name).filter((name) => !documented.has(name)), 'core events missing from the guide').to.deep.equal([]);
    for (const event of defined) {
      const expected = event.permission === null ? '(in-process)' : `\`${event.permission}\``;
      expect(documented.get(event.name), event.name).to.equal(expected);
    }
    // And nothing stale: every documented event exists.
    const names = new Set(defined.map((e) => e.name));
    expect([...documented.keys()].filter((name) => !names.has(name)), 'documented events core does not define').to.deep.equal([]);
  });

  it('lists every event the bus types declare (CarillonEvents)', () => {
    const documented = documentedEvents();
    const typed = typedEvents();
    expect(typed).to.include.members(['plugin.stateChanged', 'telephony.clickToCall']);
    expect(typed.filter((name) => !documented.has(name))).to.deep.equal([]);
  });

  it('documents every plugin error code', () => {
    const codes = [...fs.readFileSync(path.join(REPO_ROOT, 'core', 'plugins', 'errors.ts'), 'utf8').matchAll(/\| '(plugin_[a-z_]+)'/g)].map((m) => m[1]!);
    const guide = fs.readFileSync(GUIDE, 'utf8');
    expect(codes.length).to.be.greaterThan(10);
    expect(codes.filter((code) => !guide.includes(`| \`${code}\` |`))).to.deep.equal([]);
  });
});
