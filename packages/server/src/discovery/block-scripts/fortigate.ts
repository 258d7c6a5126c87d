// Fortinet FortiGate (format 108). Microsoft's output for this appliance is not public, so this
// follows the vendor's syntax: a FortiOS CLI script creating one web filter URL table
// (`config webfilter urlfilter`) with a wildcard entry blocking each domain and its subdomains
// (`*example.com` would also catch `badexample.com`, so `example.com` (simple) and
// `*.example.com` (wildcard) are separate entries). Attach the table to a web filter profile.
import { blockDomains, type BlockScriptGenerator } from './types.js';

export const FORTIGATE_URLFILTER_ID = 1000;

export const fortigateBlockScript: BlockScriptGenerator = {
  format: 108,
  name: 'FORTIGATE',
  appliance: 'Fortinet FortiGate',
  fileSuffix: 'Fortigate',
  generate(apps) {
    const lines = [
      'config webfilter urlfilter',
      `    edit ${FORTIGATE_URLFILTER_ID}`,
      '        set name "Appwarden_unsanctioned_apps"',
      '        config entries',
    ];
    let id = 1;
    for (const d of blockDomains(apps)) {
      for (const [url, type] of [
        [d, 'simple'],
        [`*.${d}`, 'wildcard'],
      ] as const) {
        lines.push(
          `            edit ${id++}`,
          `                set url "${url}"`,
          `                set type ${type}`,
          '                set action block',
          '            next',
        );
      }
    }
    lines.push('        end', '    next', 'end');
    return lines.join('\n') + '\n';
  },
};
