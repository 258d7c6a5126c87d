// Juniper SRX (format 129). Microsoft's output for this appliance is not public, so this
// follows the vendor's syntax: Junos `set` commands creating a UTM URL pattern with each domain
// and its `*.` wildcard, a custom URL category using it, and a local web-filtering profile that
// blocks that category. Reference the profile from a UTM policy on the outbound security policy.
import { blockDomains, type BlockScriptGenerator } from './types.js';

export const juniperSrxBlockScript: BlockScriptGenerator = {
  format: 129,
  name: 'JUNIPER_SRX',
  appliance: 'Juniper SRX',
  fileSuffix: 'JuniperSRX',
  generate(apps) {
    const values = blockDomains(apps).flatMap((d) => [`"${d}"`, `"*.${d}"`]);
    if (values.length === 0) return '';
    return [
      `set security utm custom-objects url-pattern Appwarden_unsanctioned value [ ${values.join(' ')} ]`,
      'set security utm custom-objects custom-url-category Appwarden_unsanctioned_category value Appwarden_unsanctioned',
      'set security utm feature-profile web-filtering juniper-local profile Appwarden_block category Appwarden_unsanctioned_category action block',
      'set security utm feature-profile web-filtering juniper-local profile Appwarden_block default permit',
      '',
    ].join('\n');
  },
};
