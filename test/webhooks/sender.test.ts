import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { refusedAddress } from '../../core/webhooks/address-guard';
import { DEFAULT_RETRY_POLICY, retryDelay } from '../../core/webhooks/retry-policy';
import { signatureHeader, verifySignature } from '../../core/webhooks/signature';
import { sendWebhook } from '../../core/webhooks/webhook-sender';

/** A loopback server whose answer each test decides. */
async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const LIMITS = { timeoutMs: 300, maxResponseBytes: 4096, keptResponseChars: 100 };

describe('Webhooks: the sender, the address guard, the retry schedule', () => {
  it('an endless answer is cut at the size cap (delivered on a 200, the log keeps its start)', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200);
      // Never ends: without the cap the worker would read forever.
      const timer = setInterval(() => res.write('x'.repeat(1024)), 1);
      res.on('close', () => clearInterval(timer));
    });
    try {
      const result = await sendWebhook(server.url, '{}', {}, { allowPrivate: true, limits: LIMITS });
      expect(result).to.include({ ok: true, statusCode: 200, error: null });
      expect(result.response).to.have.length(100);
    } finally {
      await server.close();
    }
  });

  it('a receiver that never answers times out', async () => {
    const server = await serve(() => {
      /* holds the request */
    });
    try {
      const result = await sendWebhook(server.url, '{}', {}, { allowPrivate: true, limits: LIMITS });
      expect(result.ok).to.equal(false);
      expect(result.error).to.match(/^timeout: no complete answer within 300 ms/);
    } finally {
      await server.close();
    }
  });

  it('a send is dropped when Carillon stops (abort signal)', async () => {
    const server = await serve(() => {
      /* holds the request */
    });
    try {
      const controller = new AbortController();
      const sending = sendWebhook(server.url, '{}', {}, { allowPrivate: true, limits: { ...LIMITS, timeoutMs: 10_000 }, signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      expect((await sending).error).to.match(/^aborted/);
    } finally {
      await server.close();
    }
  });

  it('sends the body and headers as given, with the content type and length', async () => {
    let seen: { headers: http.IncomingHttpHeaders; body: string } | null = null;
    const server = await serve((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        res.writeHead(204).end();
      });
    });
    try {
      const body = JSON.stringify({ name: 'Éloïse' });
      const result = await sendWebhook(server.url, body, { 'Carillon-Signature': signatureHeader('s', body) }, { allowPrivate: true, limits: LIMITS });
      expect(result).to.include({ ok: true, statusCode: 204 });
      expect(seen!.body).to.equal(body);
      expect(seen!.headers['content-length']).to.equal(String(Buffer.byteLength(body)));
      expect(verifySignature('s', seen!.body, String(seen!.headers['carillon-signature']))).to.equal(true);
    } finally {
      await server.close();
    }
  });

  it('IP literals of private ranges are refused without connecting; public ones pass the guard', async () => {
    const result = await sendWebhook('http://10.0.0.1:9/hook', '{}', {}, { allowPrivate: false, limits: LIMITS });
    expect(result.error).to.match(/^address_refused: .*private/);
    expect(refusedAddress('93.184.216.34', false)).to.equal(null);
    expect(refusedAddress('2606:4700::1111', false)).to.equal(null);
  });

  it('classifies addresses: loopback, private, link-local, mapped IPv6, metadata (always refused)', () => {
    const cases: Array<[string, string | null, string | null]> = [
      // address, refused by default, refused with private networks allowed
      ['127.0.0.1', 'loopback', null],
      ['::1', 'loopback', null],
      ['10.1.2.3', 'private', null],
      ['172.16.0.1', 'private', null],
      ['172.32.0.1', null, null],
      ['192.168.1.10', 'private', null],
      ['100.64.0.1', 'private', null],
      ['fd12:3456::1', 'private', null],
      ['169.254.10.10', 'link_local', null],
      ['fe80::1', 'link_local', null],
      ['::ffff:127.0.0.1', 'loopback', null],
      ['::ffff:192.168.0.1', 'private', null],
      ['0.0.0.0', 'unspecified', 'unspecified'],
      ['::', 'unspecified', 'unspecified'],
      ['224.0.0.1', 'multicast', 'multicast'],
      ['255.255.255.255', 'reserved', 'reserved'],
      ['169.254.169.254', 'metadata', 'metadata'],
      ['fd00:ec2::254', 'metadata', 'metadata'],
    ];
    for (const [address, byDefault, allowed] of cases) {
      expect(refusedAddress(address, false), `${address} by default`).to.equal(byDefault);
      expect(refusedAddress(address, true), `${address} with private networks`).to.equal(allowed);
    }
  });

  it('retries double from 30 s up to 4 h with jitter, and stop after 16 attempts (14 to 28 hours)', () => {
    const low = () => 0;
    const high = () => 1;
    expect(retryDelay(DEFAULT_RETRY_POLICY, 1, high)).to.equal(30_000);
    expect(retryDelay(DEFAULT_RETRY_POLICY, 1, low)).to.equal(15_000);
    expect(retryDelay(DEFAULT_RETRY_POLICY, 2, high)).to.equal(60_000);
    expect(retryDelay(DEFAULT_RETRY_POLICY, 12, high)).to.equal(4 * 3600_000);
    expect(retryDelay(DEFAULT_RETRY_POLICY, 16, high)).to.equal(null);
    let most = 0;
    let least = 0;
    for (let attempt = 1; attempt < 16; attempt++) {
      most += retryDelay(DEFAULT_RETRY_POLICY, attempt, high)!;
      least += retryDelay(DEFAULT_RETRY_POLICY, attempt, low)!;
    }
    expect(most / 3600_000).to.be.within(28, 29);
    expect(least / 3600_000).to.be.within(14, 14.5);
  });
});
