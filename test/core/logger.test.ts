import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger, redactSecrets } from '../../core/logging/logger';

describe('Log redaction', () => {
  it('hides secret keys at any depth up to four levels, in objects, arrays and errors', () => {
    const lines: Array<Record<string, any>> = [];
    const logger = createLogger('info', new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(JSON.parse(chunk.toString())), done()) }));
    const error = Object.assign(new Error('refused'), { config: { headers: { authorization: 'Basic c2VjcmV0' } } });
    logger.info({ body: { password: 'p1', nested: [{ sipPassword: 'p2' }] }, req: { headers: { cookie: 'c=1', 'user-agent': 'ua' } }, token: 'crl_x' }, 'one');
    logger.error({ err: error }, 'two');
    const text = JSON.stringify(lines);
    for (const secret of ['p1', 'p2', 'c=1', 'crl_x', 'c2VjcmV0']) expect(text).not.to.include(secret);
    expect(lines[0].req.headers['user-agent']).to.equal('ua');
    expect(lines[0].body.password).to.equal('[redacted]');
    expect(lines[1].err.message).to.equal('refused');
  });

  it('passes an object with nothing to hide through as it is, and never changes the caller\'s object', () => {
    const clean = { requestId: 'r', method: 'GET', path: '/api/health', status: 200, nested: { a: [1, 2] } };
    expect(redactSecrets(clean)).to.equal(clean);
    const secret = { user: { email: 'a@b', password: 'p' } };
    const redacted = redactSecrets(secret);
    expect(redacted.user.password).to.equal('[redacted]');
    expect(secret.user.password).to.equal('p');
  });
});
