// Cisco ASA (format 104). Microsoft's output for this appliance is not public, so this follows
// the vendor's syntax: ASA regular expressions matched against the HTTP Host header by an HTTP
// inspection policy map that drops and logs matching connections. One `regex` per domain
// (matching the domain and its subdomains), grouped in one regex class map. Apply the policy
// map from the global policy (`policy-map global_policy` / `class inspection_default` /
// `inspect http Appwarden_block_policy`). HTTP inspection does not see inside TLS; for HTTPS
// the ASA needs FirePOWER URL filtering.
import { blockDomains, type BlockScriptGenerator } from './types.js';

function asaRegex(domain: string): string {
  // Escaped dots, anchored at a label boundary so example.com does not match badexample.com.
  // No end anchor: the Host header may carry a port.
  return `(^|\\.)${domain.replace(/\./g, '\\.')}`;
}

export const ciscoAsaBlockScript: BlockScriptGenerator = {
  format: 104,
  name: 'CISCO_ASA',
  appliance: 'Cisco ASA',
  fileSuffix: 'CiscoASA',
  generate(apps) {
    const domains = blockDomains(apps);
    // Regex names are limited to 40 characters, so they are numbered, with the domain in a comment.
    const names = domains.map((_, i) => `Appwarden_${i + 1}`);
    const lines: string[] = ['! Appwarden block script: unsanctioned cloud apps'];
    domains.forEach((d, i) => lines.push(`! ${d}`, `regex ${names[i]} "${asaRegex(d)}"`));
    lines.push('class-map type regex match-any Appwarden_unsanctioned');
    for (const n of names) lines.push(` match regex ${n}`);
    lines.push(
      'class-map type inspect http match-all Appwarden_block_class',
      ' match request header host regex class Appwarden_unsanctioned',
      'policy-map type inspect http Appwarden_block_policy',
      ' parameters',
      ' class Appwarden_block_class',
      '  drop-connection log',
    );
    return lines.join('\n') + '\n';
  },
};
