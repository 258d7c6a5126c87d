// Every parser is linear in the line: a 1 MiB line shaped to defeat naive scans (many tokens, no
// dots; a repeated separator; repeated tags) parses in a bounded time. The Squid timestamp search
// used to look for a '.' from each token to the end of the line: ~4 s on one such line.
import { describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { PARSERS } from '../../src/discovery/parsers/registry.js';
import { defineCustomParser } from '../../src/discovery/parsers/custom.js';

const SIZE = 1 << 20;
const fill = (prefix: string, unit: string) =>
  prefix + unit.repeat(Math.ceil((SIZE - prefix.length) / unit.length)).slice(0, SIZE - prefix.length);

const HOSTILE: Record<string, string> = {
  'syslog header, then short tokens': fill('<134>Jun 10 12:00:00 proxy squid[1]: ', 'a '),
  'syslog header, then digit tokens': fill('<134>Jun 10 12:00:00 proxy ', '1234567890 '),
  'syslog header, then dotted tokens': fill('<134>Jun 10 12:00:00 proxy ', '1.2 '),
  'repeated open brackets': fill('<134>1 2024-06-15T13:00:00Z cp CheckPoint 1 - ', '[a:"'),
  'repeated key=': fill('date=2024-06-15 ', 'a='),
  'repeated quotes': fill('', '"'),
  'repeated pipes': fill('CEF:0|', '|'),
  'repeated LEEF tabs': fill('LEEF:1.0|a|b|1|x|', '\ta='),
  'repeated ASA tags': fill('', '%ASA-6-302014: '),
  'repeated commas': fill('Jun 15 10:00:01 fw 1,2024/06/15 10:00:01,0011,TRAFFIC,', ','),
  'repeated colons': fill('', ':'),
  spaces: fill('', ' '),
};

// Generous: a linear pass over 1 MiB takes milliseconds; the quadratic scans took seconds.
const BOUND_MS = 2000;

describe('parsers are linear in the line length', () => {
  const parsers = Object.values(PARSERS).filter((p) => p.id !== 'custom');
  for (const p of parsers) {
    it(p.id, () => {
      const parser = p.create({ now: Date.UTC(2024, 5, 20) });
      for (const [shape, line] of Object.entries(HOSTILE)) {
        const t = performance.now();
        parser.parseLine(line);
        const ms = performance.now() - t;
        expect(ms, `${p.id} on ${shape}`).toBeLessThan(BOUND_MS);
      }
    });
  }

  it('custom (csv and delimited)', () => {
    for (const config of [
      { layout: 'csv', fields: { timestamp: '0', srcIp: '1', destHost: '2' } },
      { layout: 'csv', delimiter: ' ', fields: { timestamp: '0', srcIp: '1', destHost: '2' } },
      { layout: 'keyvalue', fields: { timestamp: 'ts', srcIp: 'src', url: 'u' }, timestampFormat: 'dd/MMM/yyyy:HH:mm:ss Z' },
    ] as const) {
      const parser = defineCustomParser(config).create({ now: Date.UTC(2024, 5, 20) });
      for (const [shape, line] of Object.entries(HOSTILE)) {
        const t = performance.now();
        parser.parseLine(line);
        expect(performance.now() - t, `custom ${config.layout} on ${shape}`).toBeLessThan(BOUND_MS);
      }
    }
  });
});
