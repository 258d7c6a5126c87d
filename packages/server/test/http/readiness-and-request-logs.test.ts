import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { inProcess, type ConfigOptions, type InProcessHarness } from '../../../../test/support/harness.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { Readiness } from '../../src/http/readiness.js';

let h: InProcessHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** An app over the harness's services, with the given readiness and pino writing into `lines`. */
async function appWith(config: ConfigOptions, readiness?: Readiness) {
  h = await inProcess({ seed: 'none', config });
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as { level: number; msg: string });
      done();
    },
  });
  const app = await buildApp({ services: h.services, logger: { level: 'trace', stream }, ...(readiness ? { readiness } : {}) });
  return { app, lines };
}

describe('/readyz', () => {
  it('answers 503 while starting, 200 once ready, 503 again while stopping; /healthz answers throughout', async () => {
    const readiness = new Readiness(false, 'demo data');
    const { app } = await appWith({}, readiness);
    try {
      const starting = await app.inject({ method: 'GET', url: '/readyz' });
      expect(starting.statusCode).toBe(503);
      expect(starting.headers['retry-after']).toBe('1');
      expect(starting.json()).toEqual({ status: 'starting', waitingFor: 'demo data' });
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

      readiness.markReady();
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ status: 'ready' });

      readiness.markStopping();
      const stopping = await app.inject({ method: 'GET', url: '/readyz' });
      expect(stopping.statusCode).toBe(503);
      expect(stopping.json()).toEqual({ status: 'stopping' });
    } finally {
      await app.close();
    }
  });

  it('is ready at once in an app built without a readiness (tests, embedders)', async () => {
    h = await inProcess({ seed: 'none' });
    expect((await h.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});

describe('request logs', () => {
  const requestLines = (lines: Array<{ level: number; msg: string }>) =>
    lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed');

  it('are written at debug under --demo when no log level is given', async () => {
    const { app, lines } = await appWith({ demo: true, logLevel: undefined });
    try {
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      const written = requestLines(lines);
      expect(written.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
      expect(written.every((l) => l.level === 20)).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('are written at info with --log-level info, and without --demo', async () => {
    for (const config of [
      { demo: true, logLevel: 'info' },
      { demo: false, logLevel: undefined },
    ]) {
      const { app, lines } = await appWith(config);
      try {
        await app.inject({ method: 'GET', url: '/healthz' });
        const written = requestLines(lines);
        expect(written).toHaveLength(2);
        expect(written.every((l) => l.level === 30)).toBe(true);
      } finally {
        await app.close();
        await h?.close();
        h = undefined;
      }
    }
  });

  it('follow the environment like the flag: APPWARDEN_LOG_LEVEL counts as a given level', () => {
    expect(loadConfig({ demo: true }, {}).requestLogLevel).toBe('debug');
    expect(loadConfig({ demo: true }, { APPWARDEN_LOG_LEVEL: 'info' }).requestLogLevel).toBe('info');
    expect(loadConfig({}, { APPWARDEN_DEMO: 'true', APPWARDEN_LOG_LEVEL: '' }).requestLogLevel).toBe('debug');
    expect(loadConfig({}, {}).requestLogLevel).toBe('info');
  });
});
