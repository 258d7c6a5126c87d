// Blue Coat (Symantec/Broadcom) ProxySG access log in W3C ELFF ("main" format).
// Column names come from the `#Fields:` directive; when a file or syslog feed starts without
// one, the ProxySG default "main" field list is assumed. Blue Coat specifics on top of W3C:
// `s-ip` is the proxy itself (never the destination), and a transaction is blocked when
// `sc-filter-result` is DENIED, `s-action` is a *_DENIED code, or `x-exception-id` names a denial.
import { GENERIC_W3C_ALIASES, defineW3cParser } from './w3c.js';

export const BLUECOAT_MAIN_FIELDS: readonly string[] = [
  'date',
  'time',
  'time-taken',
  'c-ip',
  'cs-username',
  'cs-auth-group',
  'x-exception-id',
  'sc-filter-result',
  'cs-categories',
  'cs(Referer)',
  'sc-status',
  's-action',
  'cs-method',
  'rs(Content-Type)',
  'cs-uri-scheme',
  'cs-host',
  'cs-uri-port',
  'cs-uri-path',
  'cs-uri-query',
  'cs-uri-extension',
  'cs(User-Agent)',
  's-ip',
  'sc-bytes',
  'cs-bytes',
  'x-virus-id',
];

export const bluecoatParser = defineW3cParser({
  id: 'bluecoat',
  name: 'Blue Coat ProxySG access log (W3C)',
  defaultFields: BLUECOAT_MAIN_FIELDS,
  aliases: { ...GENERIC_W3C_ALIASES, destIp: ['r-ip', 'cs-ip'] },
  isBlocked: (get) => {
    const exception = get('x-exception-id');
    return exception !== undefined && /denied|blocked/i.test(exception);
  },
});
