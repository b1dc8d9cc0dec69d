import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Sequelize } from 'sequelize';

/**
 * The appliance's privileged helper (appliance/deb/carillon-helper) as systemd runs it, behind a
 * real Unix socket, with a stand-in fail2ban-client and a fail2ban database, for the tests of
 * the bans and lockouts API and page.
 */
const HELPER = path.resolve(__dirname, '../../appliance/deb/carillon-helper');

/** fail2ban's server prints ban times in its local time: so does this stand-in. */
export function localTime(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())} ${p(at.getHours())}:${p(at.getMinutes())}:${p(at.getSeconds())}`;
}

/** fail2ban's database as fail2ban 1.0 writes it (Debian 12): current bans in `bips`, history in `bans`. */
export async function fail2banDatabase(file: string, bannedAt: Date): Promise<void> {
  const db = new Sequelize({ dialect: 'sqlite', storage: file, logging: false });
  const at = Math.floor(bannedAt.getTime() / 1000);
  await db.query('CREATE TABLE bips(ip TEXT NOT NULL, jail TEXT NOT NULL, timeofban INTEGER NOT NULL, bantime INTEGER NOT NULL, bancount INTEGER NOT NULL default 1, data JSON, PRIMARY KEY(ip, jail))');
  await db.query('CREATE TABLE bans(jail TEXT NOT NULL, ip TEXT, timeofban INTEGER NOT NULL, bantime INTEGER NOT NULL, bancount INTEGER NOT NULL default 1, data JSON)');
  const data = {
    matches: [
      `[2026-12-07 10:00:01] SECURITY[1234] res_security_log.c: SecurityEvent="InvalidPassword",AccountID="201",RemoteAddress="IPV4/UDP/192.0.2.7/5060"`,
      `[2026-12-07 10:00:02] SECURITY[1234] res_security_log.c: SecurityEvent="InvalidPassword",AccountID="202",RemoteAddress="IPV4/UDP/192.0.2.7/5060"\u001b[31m`,
    ],
    failures: 5,
  };
  await db.query('INSERT INTO bips VALUES (?, ?, ?, ?, ?, ?)', { replacements: ['192.0.2.7', 'carillon-asterisk', at, 3600, 3, JSON.stringify(data)] });
  await db.query('INSERT INTO bans VALUES (?, ?, ?, ?, ?, ?)', { replacements: ['carillon', '198.51.100.3', at, 600, 1, JSON.stringify({ matches: [['{"method":"POST","path":"/api/auth/login","status":401', '}']], failures: 10 })] });
  await db.close();
}

/** The real helper script behind a real Unix socket, once per connection (as systemd's Accept=yes), fail2ban-client a stand-in. */
export function startHelper(dir: string, bannedAt: Date, dbFile: string): { socketPath: string; server: net.Server; log: () => string[] } {
  const logFile = path.join(dir, 'calls.log');
  const fail2ban = path.join(dir, 'fail2ban-client');
  fs.writeFileSync(
    fail2ban,
    `#!/bin/sh
echo "fail2ban-client $*" >> ${logFile}
if [ "$1 $2 $3 $4" = "get carillon-asterisk banip --with-time" ]; then printf '192.0.2.7 \\t${localTime(bannedAt)} + 3600 = later\\n'; fi
if [ "$1 $2 $3 $4" = "get carillon banip --with-time" ]; then printf '198.51.100.3 \\t${localTime(bannedAt)} + 600 = later\\n'; fi
if [ "$1 $2" = "get dbfile" ]; then printf 'Current database file is:\\n\`- ${dbFile}\\n'; fi
exit 0
`,
    { mode: 0o755 },
  );
  const socketPath = path.join(dir, 'helper.sock');
  const server = net.createServer({ allowHalfOpen: true }, (connection) => {
    const child = spawn('/bin/sh', [HELPER], { env: { CARILLON_HELPER_FAIL2BAN_CLIENT: fail2ban, CARILLON_HELPER_PYTHON: '/usr/bin/python3' }, stdio: ['pipe', 'pipe', 'inherit'] });
    connection.pipe(child.stdin);
    child.stdout.pipe(connection);
    connection.on('error', () => child.kill());
  });
  server.listen(socketPath);
  return { socketPath, server, log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n') : []) };
}

export function ask(socketPath: string, line: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath, () => socket.end(`${line}\n`));
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('close', () => resolve(answer.trim()));
  });
}

