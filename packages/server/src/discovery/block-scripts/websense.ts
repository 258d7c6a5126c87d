// Websense / Forcepoint Web Security (format 135). Follows the published sample (MCAS
// PowerShell module help): one `dest_host=<domain> action=deny` line per domain.
import { blockDomains, type BlockScriptGenerator } from './types.js';

export const websenseBlockScript: BlockScriptGenerator = {
  format: 135,
  name: 'WEBSENSE_V7_5',
  appliance: 'Websense',
  fileSuffix: 'Websense',
  generate: (apps) =>
    blockDomains(apps)
      .map((d) => `dest_host=${d} action=deny\n`)
      .join(''),
};
