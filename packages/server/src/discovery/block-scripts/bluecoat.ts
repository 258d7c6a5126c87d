// Blue Coat ProxySG (format 102). Follows Microsoft's published sample exactly: one
// `url.domain=<domain> deny` line per domain (CPL; url.domain= also matches subdomains).
import { blockDomains, type BlockScriptGenerator } from './types.js';

export const bluecoatBlockScript: BlockScriptGenerator = {
  format: 102,
  name: 'BLUECOAT',
  appliance: 'Blue Coat ProxySG',
  fileSuffix: 'BlueCoat',
  generate: (apps) =>
    blockDomains(apps)
      .map((d) => `url.domain=${d} deny\n`)
      .join(''),
};
