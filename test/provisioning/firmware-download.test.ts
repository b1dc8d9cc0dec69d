import net from 'node:net';
import { expect } from 'chai';
import sinon from 'sinon';
import { logLines, phoneGet, startProvisioningApp, UA_GRP2614, writeFirmware, type ProvisioningApp } from './provisioning-harness';

describe('Provisioning: a phone that hangs up during a download', () => {
  let app: ProvisioningApp;
  const size = 16 * 1024 * 1024;

  before(async () => {
    app = await startProvisioningApp();
    writeFirmware(app.t, 'large.bin', Buffer.alloc(size, 3));
  });
  after(() => app.t.stop());

  it('is logged as a closed connection, never printed as a stack trace, and the next download is whole', async () => {
    const printed = sinon.spy(console, 'error');
    try {
      const { port } = new URL(app.t.url);
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(`GET /provisioning/firmware/large.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: ${UA_GRP2614}\r\n\r\n`));
        // The first bytes of the body, then the phone is gone.
        socket.once('data', () => {
          socket.destroy();
          resolve();
        });
        socket.on('error', reject);
      });
      for (let i = 0; i < 100 && !logLines(app.t, 'client closed the connection during the response').length; i++) await new Promise((r) => setTimeout(r, 20));
      // Koa reports it for the response and for the file stream: one line each, at debug level.
      const closed = logLines(app.t, 'client closed the connection during the response');
      expect(closed).not.to.be.empty;
      for (const line of closed) expect(line).to.include({ path: '/provisioning/firmware/large.bin', level: 'debug' });
      expect(printed.callCount, 'nothing printed to stderr').to.equal(0);
      expect(logLines(app.t, 'response stream failed')).to.have.length(0);
    } finally {
      printed.restore();
    }
    const whole = await phoneGet(app.t.url, 'firmware/large.bin');
    expect(whole.status).to.equal(200);
    expect(whole.body.length).to.equal(size);
  });
});
