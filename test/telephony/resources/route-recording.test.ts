import { expect } from 'chai';
import { ConfigRenderer } from '../../../core/telephony/config/renderer';
import type { ApiClient } from '../../support/api-client';
import type { TestApp } from '../../support/test-app';
import { API, createExtension, fieldErrors, ok, startResourcesApp } from './resources-app';

/** The lines of one dialplan context, without its header. */
function contextLines(dialplan: string, name: string): string[] {
  const start = dialplan.indexOf(`[${name}]\n`);
  expect(start, `context ${name}`).to.be.greaterThan(-1);
  const rest = dialplan.slice(start + name.length + 3);
  const end = rest.search(/\n\[/);
  return (end < 0 ? rest : rest.slice(0, end)).split('\n').filter((l) => l.trim() && !l.trim().startsWith(';'));
}

describe('Telephony resources: recording policy of inbound and outbound routes', () => {
  let t: TestApp;
  let admin: ApiClient;
  let trunk: any;
  let extension: any;
  before(async () => {
    ({ t, admin } = await startResourcesApp());
    extension = await createExtension(admin, '301');
    trunk = ok(await admin.post(`${API}/trunks`, { kind: 'operator', name: 'Opérateur', host: 'sip.example', username: 'rec-u1', password: 'operator-pass' }), 201);
  });
  after(() => t.stop());

  it('defaults to never, stores always and on_demand, and refuses other values by field', async () => {
    const plain = ok(await admin.post(`${API}/inbound-routes`, { did: '+33100000001', destination: { type: 'extension', extensionId: extension.id } }), 201);
    expect(plain.recording).to.equal('never');
    const recorded = ok(await admin.post(`${API}/inbound-routes`, { did: '+33100000002', destination: { type: 'extension', extensionId: extension.id }, recording: 'always' }), 201);
    expect(recorded.recording).to.equal('always');
    expect(ok(await admin.get(`${API}/inbound-routes/${recorded.id}`)).recording).to.equal('always');
    expect(ok(await admin.patch(`${API}/inbound-routes/${plain.id}`, { recording: 'on_demand' })).recording).to.equal('on_demand');
    expect(fieldErrors(await admin.post(`${API}/inbound-routes`, { did: '+33100000003', destination: { type: 'hangup' }, recording: 'sometimes' }))).to.deep.equal({ 'body.recording': 'invalid_value' });

    const route = ok(await admin.post(`${API}/outbound-routes`, { name: 'Mobiles', patterns: ['_0[67]XXXXXXXX'], trunkIds: [trunk.id] }), 201);
    expect(route.recording).to.equal('never');
    expect(ok(await admin.patch(`${API}/outbound-routes/${route.id}`, { recording: 'always' })).recording).to.equal('always');
    const onDemand = ok(await admin.post(`${API}/outbound-routes`, { name: 'National', patterns: ['_0[1-5]XXXXXXXX'], trunkIds: [trunk.id], recording: 'on_demand' }), 201);
    expect(onDemand.recording).to.equal('on_demand');
    expect(fieldErrors(await admin.patch(`${API}/outbound-routes/${route.id}`, { recording: true }))).to.have.key('body.recording');
    const problem = await admin.patch(`${API}/outbound-routes/${route.id}`, { recording: 'yes' });
    expect(problem.body.errors[0].message).to.equal('one of never, always, on_demand');
  });

  it('puts the policies into the configuration snapshot and the generated dialplan', async () => {
    const snapshot = await t.app.cradle.telephonyConfigSource.snapshot();
    const byDid = new Map(snapshot.inboundRoutes.map((r) => [r.did, r.recording]));
    expect(byDid.get('+33100000001')).to.equal('on_demand');
    expect(byDid.get('+33100000002')).to.equal('always');
    expect(Object.fromEntries(snapshot.outboundRoutes.map((r) => [r.name, r.recording]))).to.deep.equal({ Mobiles: 'always', National: 'on_demand' });

    const dialplan = new ConfigRenderer().render(snapshot, { recordingsSpool: '/var/spool/carillon' }).find((f) => f.name === 'extensions-carillon.conf')!.content;
    const [onDemandRoute, alwaysRoute] = snapshot.inboundRoutes.sort((a, b) => (a.did ?? '').localeCompare(b.did ?? ''));
    expect(contextLines(dialplan, `carillon-inbound-${alwaysRoute.id}`).slice(0, 2)).to.deep.equal(['exten => s,1,NoOp()', ' same => n,Gosub(carillon-record,s,1)']);
    expect(contextLines(dialplan, `carillon-inbound-${onDemandRoute.id}`).slice(0, 2)).to.deep.equal(['exten => s,1,NoOp()', ' same => n,Set(CARILLON_ROUTE_DIALOPTS=x)']);
    const mobiles = snapshot.outboundRoutes.find((r) => r.name === 'Mobiles')!;
    const national = snapshot.outboundRoutes.find((r) => r.name === 'National')!;
    expect(contextLines(dialplan, `carillon-route-${mobiles.id}-trunks`)[0]).to.equal('exten => s,1,Gosub(carillon-record,s,1)');
    expect(contextLines(dialplan, `carillon-route-${national.id}-trunks`).slice(0, 2)).to.deep.equal([
      'exten => s,1,GosubIf($["${CARILLON_CALLER_RECORDING}"="always"]?carillon-record,s,1)',
      ' same => n,ExecIf($["${CARILLON_DIR}"!="in"]?Set(CARILLON_CALLER_DIALOPTS=X))',
    ]);
    // The extension an on-demand inbound route reaches may start a recording: its Dial() carries the route's options.
    expect(contextLines(dialplan, 'carillon-ext').find((l) => l.includes('Dial('))).to.include('${CARILLON_CALLER_DIALOPTS}${CARILLON_ROUTE_DIALOPTS}');
  });
});
