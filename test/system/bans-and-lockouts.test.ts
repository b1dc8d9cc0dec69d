import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { User } from '../../core/auth/models';
import type { ApiClient } from '../support/api-client';
import { startTestApp, tempDir, type TestApp } from '../support/test-app';
import { createUser, expectProblem } from '../core/auth-fixtures';
import { ask, fail2banDatabase, startHelper } from '../support/fake-helper';

describe('Bans and lockouts: fail2ban through the helper, provisioning bans, locked accounts', function () {
  this.timeout(30_000);
  let t: TestApp;
  let admin: ApiClient;
  let dir: string;
  let helper: ReturnType<typeof startHelper>;
  const bannedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);

  before(async function () {
    if (!fs.existsSync('/usr/bin/python3')) this.skip();
    dir = tempDir('carillon-bans-');
    const dbFile = path.join(dir, 'fail2ban.sqlite3');
    await fail2banDatabase(dbFile, bannedAt);
    helper = startHelper(dir, bannedAt, dbFile);
    t = await startTestApp({ overrides: { telephony: { helperSocket: helper.socketPath, fail2banDir: path.join(dir, 'fail2ban') } } });
    admin = await t.adminClient();
  });
  after(async () => {
    helper?.server.close();
    await t?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the helper says why an address is banned, from fail2ban’s database, and refuses bad requests', async () => {
    const answer = (await ask(helper.socketPath, 'ban-info carillon-asterisk 192.0.2.7')).split('\n');
    expect(answer.slice(0, 3)).to.deep.equal(['ok', 'count 3', 'failures 5']);
    expect(answer[4]).to.match(/^match .*AccountID="202".* \[31m$/);
    expect((await ask(helper.socketPath, 'ban-info carillon 198.51.100.3')).split('\n')).to.deep.equal([
      'ok',
      'count 1',
      'failures 10',
      'match {"method":"POST","path":"/api/auth/login","status":401}',
    ]);
    expect(await ask(helper.socketPath, 'ban-info carillon-asterisk 203.0.113.1')).to.equal("error no ban of this address in fail2ban's database");
    expect(await ask(helper.socketPath, 'ban-info sshd 192.0.2.7')).to.equal('error unknown jail');
    expect(await ask(helper.socketPath, "ban-info carillon-asterisk 1.2.3.4'--")).to.equal('error not an IP address');
    expect(await ask(helper.socketPath, 'ban-info carillon-asterisk 192.0.2.7 extra')).to.equal('error unexpected arguments');
  });

  it('one overview: fail2ban bans, provisioning bans and locked accounts, with why and until when', async () => {
    await t.app.cradle.provisioningBans.strike('203.0.113.9', 'unknown_mac', 'a');
    for (const mac of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u']) {
      if (await t.app.cradle.provisioningBans.strike('203.0.113.9', 'unknown_mac', mac)) break;
    }
    const locked = await createUser(t, admin, ['supervisor'], 'locked');
    const until = new Date(Math.floor(Date.now() / 1000) * 1000 + 15 * 60_000);
    await User.update({ lockedUntil: until, failedLogins: 10, lockCount: 2 }, { where: { id: locked.id } });

    const res = await admin.get('/api/system/security');
    expect(res.status, res.text).to.equal(200);
    expect(res.body.fail2ban.fail2ban).to.equal('available');
    expect(res.body.fail2ban.bans.map((b: { address: string }) => b.address).sort()).to.deep.equal(['192.0.2.7', '198.51.100.3']);
    expect(res.body.provisioning).to.have.length(1);
    expect(res.body.provisioning[0]).to.include({ address: '203.0.113.9', reason: 'unknown_mac' });
    expect(new Date(res.body.provisioning[0].expiresAt).getTime()).to.be.greaterThan(Date.now());
    expect(res.body.lockedAccounts).to.deep.equal([{ id: locked.id, email: locked.email, displayName: 'locked', lockedUntil: until.toISOString(), failedLogins: 10, lockCount: 2 }]);

    const why = await admin.get('/api/telephony/sip-bans/carillon-asterisk/192.0.2.7');
    expect(why.status, why.text).to.equal(200);
    expect(why.body).to.include({ jail: 'carillon-asterisk', address: '192.0.2.7', banCount: 3, failures: 5 });
    expect(why.body.matches).to.have.length(2);
    expectProblem(await admin.get('/api/telephony/sip-bans/carillon-asterisk/203.0.113.1'), 404, 'not_found');
  });

  it('lifts each kind of ban and unlocks an account, each audited', async () => {
    expect((await admin.delete('/api/telephony/sip-bans/carillon-asterisk/192.0.2.7')).status).to.equal(204);
    expect(helper.log()).to.include('fail2ban-client set carillon-asterisk unbanip 192.0.2.7');
    expect((await admin.delete('/api/provisioning/bans/203.0.113.9')).status).to.equal(204);
    expect(t.app.cradle.provisioningBans.isBanned('203.0.113.9')).to.equal(false);
    expectProblem(await admin.delete('/api/provisioning/bans/203.0.113.9'), 404, 'not_found');
    expectProblem(await admin.delete('/api/provisioning/bans/not-an-ip'), 422, 'validation_failed');
    const lockedId = (await admin.get('/api/system/security')).body.lockedAccounts[0].id as number;
    expect((await admin.post(`/api/users/${lockedId}/unlock`, {})).status).to.equal(200);

    const after = (await admin.get('/api/system/security')).body;
    expect(after.provisioning).to.deep.equal([]);
    expect(after.lockedAccounts).to.deep.equal([]);
    const audit = (await admin.get('/api/audit?limit=20')).body.items as Array<{ action: string; target: string }>;
    expect(audit.map((a) => `${a.action} ${a.target}`)).to.include.members([
      'telephony.sipBans.unban fail2ban:carillon-asterisk:192.0.2.7',
      'provisioning.bans.lift provisioning-ban:203.0.113.9',
      `users.unlock user:${lockedId}`,
    ]);
  });

  it('shows each part only with its permission, and refuses the actions without the managing one', async () => {
    const supervisor = (await createUser(t, admin, ['supervisor'], 'sup')).client;
    const view = (await supervisor.get('/api/system/security')).body;
    expect(view.fail2ban).to.not.equal(null);
    expect(view.provisioning).to.equal(null);
    expect(view.lockedAccounts).to.equal(null);
    expectProblem(await supervisor.delete('/api/telephony/sip-bans/carillon/198.51.100.3'), 403, 'forbidden');
    expectProblem(await supervisor.delete('/api/provisioning/bans/203.0.113.9'), 403, 'forbidden');
    expectProblem(await supervisor.post('/api/users/1/unlock', {}), 403, 'forbidden');

    const noRole = (await createUser(t, admin, [], 'nobody')).client;
    expectProblem(await noRole.get('/api/system/security'), 403, 'forbidden');
  });
});
