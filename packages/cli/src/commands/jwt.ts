import fs from 'node:fs';
import type { Command } from 'commander';
import { decodeJwt } from '@appwarden/sdk';
import { printJson } from '../output.js';

/** `appwarden jwt decode`: shows a token's header and claims (no verification), like jwt.ms. */
export function registerJwt(program: Command): void {
  const jwt = program.command('jwt').description('JWT tools');
  jwt
    .command('decode [token]')
    .description('Decode a JWT (argument, or stdin when omitted or "-"); does not verify the signature')
    .option('--json', 'print JSON (the default output is JSON too)')
    .action((token: string | undefined) => {
      const raw = token && token !== '-' ? token : fs.readFileSync(0, 'utf8');
      const text = raw.trim();
      // Accept a whole token response too: pick access_token out of it.
      const value = text.startsWith('{') ? String((JSON.parse(text) as Record<string, unknown>).access_token ?? '') : text;
      const d = decodeJwt(value);
      const exp = typeof d.payload.exp === 'number' ? new Date(d.payload.exp * 1000).toISOString() : undefined;
      printJson({ header: d.header, payload: d.payload, ...(exp ? { expires: exp } : {}) });
    });
}
