// Block scripts turn a list of apps (usually the unsanctioned ones) into text an appliance
// imports. Every generator is a pure function of its input; output is deterministic: apps in
// the given order, domains de-duplicated and normalised (lower case, no scheme, port, path or
// leading `*.`), one rule per domain.

export interface BlockScriptApp {
  id: number;
  name: string;
  domains: readonly string[];
}

export interface BlockScriptGenerator {
  /** The `format` code of GET /api/discovery_block_scripts/ (= the appliance's log type). */
  readonly format: number;
  /** Log-source style name (`BLUECOAT`, `CISCO_ASA`...). */
  readonly name: string;
  readonly appliance: string;
  readonly fileSuffix: string;
  generate(apps: readonly BlockScriptApp[]): string;
}

/**
 * Normalised, de-duplicated block domains in app order. `*-label` patterns (which no appliance
 * list syntax can express) are reduced to their parent domain; values that cannot be host names
 * are dropped rather than emitted into a firewall config.
 */
export function blockDomains(apps: readonly BlockScriptApp[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const app of apps) {
    for (const raw of app.domains) {
      let d = raw.trim().toLowerCase();
      d = d
        .replace(/^[a-z]+:\/\//, '')
        .replace(/[/?#].*$/, '')
        .replace(/:\d+$/, '')
        .replace(/\.$/, '');
      while (d.startsWith('*.') || d.startsWith('.')) d = d.slice(d.startsWith('*.') ? 2 : 1);
      if (d.startsWith('*')) d = d.slice(d.indexOf('.') + 1);
      if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(d)) continue;
      if (!seen.has(d)) {
        seen.add(d);
        out.push(d);
      }
    }
  }
  return out;
}
