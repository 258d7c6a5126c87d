// Zscaler (format 120). Follows the shape described publicly for Microsoft's output: one entry
// per line, each domain preceded by `.` - in a Zscaler custom URL category a leading dot
// matches the domain and all of its subdomains.
import { blockDomains, type BlockScriptGenerator } from './types.js';

export const zscalerBlockScript: BlockScriptGenerator = {
  format: 120,
  name: 'ZSCALER',
  appliance: 'Zscaler',
  fileSuffix: 'Zscaler',
  generate: (apps) =>
    blockDomains(apps)
      .map((d) => `.${d}\n`)
      .join(''),
};
