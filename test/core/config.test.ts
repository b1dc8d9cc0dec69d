import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig, toBytes } from '../../core/config/load';
import { tempDir } from '../support/test-app';

describe('Configuration', () => {
  const dir = tempDir();
  const file = (name: string, content: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return p;
  };

  it('defaults to SQLite in the data folder on 127.0.0.1:8080', () => {
    const config = loadConfig({ env: {}, cwd: dir });
    expect(config.http).to.include({ host: '127.0.0.1', port: 8080 });
    expect(config.resolved.databaseUrl).to.equal(`sqlite:${path.join(dir, 'data', 'carillon.sqlite')}`);
    expect(config.resolved.pluginDir).to.equal(path.join(dir, 'plugins.d', 'node_modules'));
  });

  it('reads the file named by CARILLON_CONFIG, and environment variables win over it', () => {
    const configFile = file('a.json', JSON.stringify({ http: { port: 9000, host: '0.0.0.0' }, log: { level: 'debug' } }));
    const config = loadConfig({ env: { CARILLON_CONFIG: configFile, CARILLON_HTTP_PORT: '9100', CARILLON_DATABASE_URL: 'mariadb://u:p@127.0.0.1:3306/c' }, cwd: dir });
    expect(config.http).to.include({ port: 9100, host: '0.0.0.0' });
    expect(config.log.level).to.equal('debug');
    expect(config.resolved.databaseUrl).to.equal('mariadb://u:p@127.0.0.1:3306/c');
    expect(config.resolved.configFile).to.equal(configFile);
  });

  const refusals: Array<[string, Record<string, string>, string]> = [
    ['a port that is not a number', { CARILLON_HTTP_PORT: 'abc' }, 'http.port (from environment variable CARILLON_HTTP_PORT): expected an integer from 0 to 65535; got "abc"'],
    ['an unknown log level', { CARILLON_LOG_LEVEL: 'loud' }, 'log.level (from environment variable CARILLON_LOG_LEVEL): expected one of fatal, error, warn, info, debug, trace, silent'],
    ['a database URL of another kind', { CARILLON_DATABASE_URL: 'postgres://x' }, 'database.url (from environment variable CARILLON_DATABASE_URL): expected a URL such as sqlite:'],
  ];
  for (const [what, env, message] of refusals) {
    it(`refuses ${what}, naming the key and the expected form`, () => {
      expect(() => loadConfig({ env, cwd: dir })).to.throw(ConfigError).with.property('message').that.includes(message);
    });
  }

  it('refuses unknown keys and malformed files', () => {
    expect(() => loadConfig({ env: { CARILLON_CONFIG: file('b.json', '{"htp": {}}') }, cwd: dir })).to.throw(ConfigError, /unknown key\(s\) "htp"/);
    expect(() => loadConfig({ env: { CARILLON_CONFIG: file('c.json', '{ nope') }, cwd: dir })).to.throw(ConfigError, /is not valid JSON/);
    expect(() => loadConfig({ env: { CARILLON_CONFIG: path.join(dir, 'missing.json') }, cwd: dir })).to.throw(ConfigError, /Cannot read configuration file/);
  });

  it('parses body sizes', () => {
    expect(toBytes('1mb')).to.equal(1024 * 1024);
    expect(toBytes('512kb')).to.equal(512 * 1024);
    expect(toBytes(100)).to.equal(100);
  });
});
