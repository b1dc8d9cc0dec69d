import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import type { ApiClient } from '../../support/api-client';
import { startTestApp, tempDir, type TestApp } from '../../support/test-app';
import { API, clientWithRole, fieldErrors, ok } from '../resources/resources-app';

const HELPER = path.resolve(__dirname, '../../../appliance/deb/carillon-helper');
const DEFAULT_LAN = ['127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', 'fc00::/7', 'fe80::/10'];

/** fail2ban's server prints ban times in its local time: so does this stand-in. */
function localTime(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())} ${p(at.getHours())}:${p(at.getMinutes())}:${p(at.getSeconds())}`;
}

/**
 * The appliance's helper as systemd runs it (carillon-helper.socket, Accept=yes): the real script,
 * once per connection, the connection as its standard input and output; fail2ban-client and
 * systemctl are stand-ins that log their arguments.
 */
function startHelper(dir: string, bannedAt: Date): { socketPath: string; log: () => string[]; server: net.Server } {
  const logFile = path.join(dir, 'calls.log');
  const fail2ban = path.join(dir, 'fail2ban-client');
  fs.writeFileSync(
    fail2ban,
    `#!/bin/sh
echo "fail2ban-client $*" >> ${logFile}
if [ "$1 $2 $3 $4" = "get carillon-asterisk banip --with-time" ]; then
  printf '192.0.2.7 \\t${localTime(bannedAt)} + 3600 = later\\n2001:db8::9 \\t${localTime(bannedAt)} + -1 = never\\n'
fi
if [ "$1 $2 $3 $4" = "get carillon banip --with-time" ]; then printf '198.51.100.3 \\t${localTime(bannedAt)} + 600 = later\\n'; fi
exit 0
`,
    { mode: 0o755 },
  );
  const systemctl = path.join(dir, 'systemctl');
  fs.writeFileSync(systemctl, `#!/bin/sh\necho "systemctl $*" >> ${logFile}\n`, { mode: 0o755 });
  const socketPath = path.join(dir, 'helper.sock');
  const server = net.createServer({ allowHalfOpen: true }, (connection) => {
    const child = spawn('/bin/sh', [HELPER], { env: { CARILLON_HELPER_FAIL2BAN_CLIENT: fail2ban, CARILLON_HELPER_SYSTEMCTL: systemctl }, stdio: ['pipe', 'pipe', 'inherit'] });
    connection.pipe(child.stdin);
    child.stdout.pipe(connection);
    connection.on('error', () => child.kill());
  });
  server.listen(socketPath);
  return { socketPath, server, log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n') : []) };
}

describe('SIP bans and the Asterisk restart through the privileged helper', function () {
  this.timeout(20_000);
  let t: TestApp;
  let admin: ApiClient;
  let dir: string;
  let helper: ReturnType<typeof startHelper> | null = null;
  const bannedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  const jailFile = () => fs.readFileSync(path.join(dir, 'fail2ban', 'carillon-asterisk-ignoreip.local'), 'utf8');

  before(async () => {
    dir = tempDir('carillon-helper-');
    t = await startTestApp({ overrides: { telephony: { helperSocket: path.join(dir, 'helper.sock'), fail2banDir: path.join(dir, 'fail2ban') } } });
    admin = await t.adminClient();
  });
  after(async () => {
    helper?.server.close();
    await t.stop();
  });

  it('without the helper (a development checkout): fail2ban shows as not installed, and the restart says what to run', async () => {
    expect(ok(await admin.get(`${API}/sip-bans`))).to.deep.equal({ fail2ban: 'not_installed', bans: [], exemption: { networks: null, effective: ['127.0.0.1/8', '::1', ...DEFAULT_LAN] } });
    const status = ok(await admin.get(`${API}/asterisk/restart`));
    expect(status).to.include({ pending: false, canRestart: false });
    expect(status.manualCommand).to.include('systemctl restart asterisk');
    const refused = await admin.post(`${API}/asterisk/restart`, {});
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('restart_unavailable');
    expect(refused.body.detail).to.include('systemctl restart asterisk');
    expect((await admin.delete(`${API}/sip-bans/carillon-asterisk/192.0.2.7`)).body.code).to.equal('fail2ban_not_installed');
  });

  it('writes the SIP jail ignoreip from the settings: the provisioning networks by default, else the chosen ones', async () => {
    // Written at start.
    expect(jailFile()).to.match(new RegExp(`^\\[carillon-asterisk\\]\\nignoreip = 127\\.0\\.0\\.1/8 ::1 ${DEFAULT_LAN.join(' ').replace(/[./]/g, '\\$&')}\\n$`, 'm'));
    expect(fieldErrors(await admin.request('PUT', `${API}/sip-bans/exemption`, { networks: ['192.168.1.0/24', '10.0.0.0/33'] }))).to.have.keys('body.networks.1');
    expect(fieldErrors(await admin.request('PUT', `${API}/sip-bans/exemption`, { networks: ['192.168.1.0/24 ignoreip = 0.0.0.0/0'] }))).to.have.keys('body.networks.0');
    const saved = ok(await admin.request('PUT', `${API}/sip-bans/exemption`, { networks: ['192.168.1.0/24', 'fd00::/8'] }));
    expect(saved.exemption).to.deep.equal({ networks: ['192.168.1.0/24', 'fd00::/8'], effective: ['127.0.0.1/8', '::1', '192.168.1.0/24', 'fd00::/8'] });
    expect(jailFile()).to.include('\nignoreip = 127.0.0.1/8 ::1 192.168.1.0/24 fd00::/8\n');
    ok(await admin.request('PUT', `${API}/sip-bans/exemption`, { networks: [] }));
    expect(jailFile()).to.include('\nignoreip = 127.0.0.1/8 ::1\n');
    ok(await admin.request('PUT', `${API}/sip-bans/exemption`, { networks: null }));
    expect(jailFile()).to.include(`\nignoreip = 127.0.0.1/8 ::1 ${DEFAULT_LAN.join(' ')}\n`);
  });

  it('concurrent changes leave the file matching the stored choice', async () => {
    const choices = Array.from({ length: 8 }, (_, i) => [`10.${i}.0.0/16`]);
    await Promise.all(choices.map((networks) => admin.request('PUT', `${API}/sip-bans/exemption`, { networks })));
    const stored = ok(await admin.get(`${API}/sip-bans`)).exemption.networks as string[];
    expect(choices.map((c) => c[0])).to.include(stored[0]);
    expect(jailFile()).to.include(`\nignoreip = 127.0.0.1/8 ::1 ${stored[0]}\n`);
  });

  it('with the helper: lists bans of both jails, lifts one, reloads the jail after a change, restarts Asterisk', async () => {
    helper = startHelper(dir, bannedAt);
    const view = ok(await admin.get(`${API}/sip-bans`));
    expect(view.fail2ban).to.equal('available');
    expect(view.bans).to.have.deep.members([
      { jail: 'carillon-asterisk', address: '192.0.2.7', bannedAt: bannedAt.toISOString(), expiresAt: new Date(bannedAt.getTime() + 3_600_000).toISOString() },
      { jail: 'carillon-asterisk', address: '2001:db8::9', bannedAt: bannedAt.toISOString(), expiresAt: '9999-12-31T23:59:59.000Z' },
      { jail: 'carillon', address: '198.51.100.3', bannedAt: bannedAt.toISOString(), expiresAt: new Date(bannedAt.getTime() + 600_000).toISOString() },
    ]);
    expect(fieldErrors(await admin.delete(`${API}/sip-bans/sshd/192.0.2.7`))).to.have.keys('params.jail');
    expect(fieldErrors(await admin.delete(`${API}/sip-bans/carillon-asterisk/${encodeURIComponent('192.0.2.7;reboot')}`))).to.have.keys('params.address');
    expect((await admin.delete(`${API}/sip-bans/carillon-asterisk/192.0.2.7`)).status).to.equal(204);
    ok(await admin.request('PUT', `${API}/sip-bans/exemption`, { networks: ['192.168.1.0/24'] }));
    expect(ok(await admin.post(`${API}/asterisk/restart`, {}))).to.include({ canRestart: true, pending: false });
    expect(helper.log().filter((l) => !l.includes('banip --with-time'))).to.deep.equal([
      'fail2ban-client set carillon-asterisk unbanip 192.0.2.7',
      'fail2ban-client reload carillon-asterisk',
      'systemctl restart asterisk.service',
    ]);
  });

  it('the helper itself refuses anything but its few requests', async () => {
    const ask = (line: string) =>
      new Promise<string>((resolve) => {
        const socket = net.connect(helper!.socketPath, () => socket.end(`${line}\n`));
        let answer = '';
        socket.on('data', (d) => (answer += d.toString()));
        socket.on('close', () => resolve(answer.trim()));
      });
    expect(await ask('shutdown now')).to.equal('error unknown request');
    expect(await ask('unban sshd 192.0.2.7')).to.equal('error unknown jail');
    expect(await ask('unban carillon-asterisk $(reboot)')).to.equal('error not an IP address');
    expect(await ask('restart-asterisk please')).to.equal('error unexpected arguments');
    expect(await ask('bans carillon')).to.equal('error unexpected arguments');
    expect(await ask('reload-jail carillon-asterisk 1.2.3.4 extra')).to.equal('error unexpected arguments');
  });

  it('only telephony managers change the exemption, lift bans or restart Asterisk', async () => {
    const supervisor = await clientWithRole(t, admin, 'supervisor');
    expect((await supervisor.get(`${API}/sip-bans`)).status).to.equal(200);
    expect((await supervisor.request('PUT', `${API}/sip-bans/exemption`, { networks: [] })).status).to.equal(403);
    expect((await supervisor.delete(`${API}/sip-bans/carillon-asterisk/192.0.2.7`)).status).to.equal(403);
    expect((await supervisor.post(`${API}/asterisk/restart`, {})).status).to.equal(403);
  });
});
