import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess, type InProcessHarness } from '../../../../test/support/harness.js';
import { buildApp } from '../../src/app.js';
import { redactUrl } from '../../src/http/log-redaction.js';

let h: InProcessHarness;
beforeAll(async () => {
  h = await inProcess({ seed: 'tenant' });
});
afterAll(() => h?.close());

describe('secrets in request logs', () => {
  it('logs request URLs with sig, code, secrets and tokens redacted, at info level', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const app = await buildApp({ services: h.services, logger: { level: 'info', stream } });
    try {
      const sig = 'c2VjcmV0LXNpZ25hdHVyZS12YWx1ZQ%3D%3D';
      await app.inject({
        method: 'PUT',
        url: `/discovery/uploads/abc/file.log?sv=2020-08-04&se=2030-01-01&sr=b&sp=cw&sig=${sig}&comp=block`,
      });
      await app.inject({ method: 'GET', url: '/cb?code=the-authorization-code&state=s&client_secret=shh&access_token=tok' });
    } finally {
      await app.close();
    }
    const logged = lines.join('\n');
    expect(logged).toContain('incoming request');
    expect(logged).toContain('sig=[REDACTED]');
    expect(logged).toContain('sv=2020-08-04');
    for (const secret of ['c2VjcmV0LXNpZ25hdHVyZS12YWx1ZQ', 'the-authorization-code', 'shh', '=tok']) expect(logged).not.toContain(secret);
  });

  it('redacts parameter names in any case and encoding, and leaves other parameters alone', () => {
    expect(redactUrl('/x?SIG=a&%73ig=b&state=c#f')).toBe('/x?SIG=[REDACTED]&%73ig=[REDACTED]&state=c');
    expect(redactUrl('/x')).toBe('/x');
    expect(redactUrl('/x?flag&code=')).toBe('/x?flag&code=[REDACTED]');
  });
});
