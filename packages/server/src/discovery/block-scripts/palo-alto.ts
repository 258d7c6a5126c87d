// Palo Alto Networks (format 112). Microsoft's output for this appliance is not public, so this
// follows the vendor's syntax: a PAN-OS External Dynamic List of type URL List, one entry per
// line, no scheme, `*.` wildcard tokens. Each domain is listed twice because a `*.` entry does
// not match the bare domain. Host the file and reference it from a URL Filtering profile (or
// paste the entries into a custom URL category) with action block.
import { blockDomains, type BlockScriptGenerator } from './types.js';

export const paloAltoBlockScript: BlockScriptGenerator = {
  format: 112,
  name: 'PALO_ALTO',
  appliance: 'Palo Alto Networks',
  fileSuffix: 'PaloAlto',
  generate: (apps) =>
    blockDomains(apps)
      .map((d) => `${d}\n*.${d}\n`)
      .join(''),
};
