// Which parser reads which Microsoft log source. `X` and `X_SYSLOG` share a parser: every
// parser strips an optional syslog envelope itself. Sources absent here are accepted by the
// upload API but have no parser yet (the upload fails with "Unsupported log type").
import { findLogSource, type LogSource } from '../log-sources.js';
import { bluecoatParser } from './bluecoat.js';
import { cefParser } from './cef.js';
import { checkpointParser } from './checkpoint.js';
import { ciscoAsaFirepowerParser } from './cisco-asa-firepower.js';
import { ciscoAsaParser } from './cisco-asa.js';
import { defineCustomParser, type CustomParserConfig } from './custom.js';
import { fortigateParser } from './fortigate.js';
import { juniperSrxParser } from './juniper-srx.js';
import { leefParser } from './leef.js';
import { paloAltoParser } from './palo-alto.js';
import { squidCommonParser } from './squid-common.js';
import { squidNativeParser } from './squid-native.js';
import type { LogParser } from './types.js';
import { w3cParser } from './w3c.js';
import { zscalerParser } from './zscaler.js';

/** Every built-in parser by its id. */
export const PARSERS: Readonly<Record<string, LogParser>> = Object.freeze(
  Object.fromEntries(
    [
      squidNativeParser,
      squidCommonParser,
      bluecoatParser,
      paloAltoParser,
      zscalerParser,
      fortigateParser,
      ciscoAsaParser,
      ciscoAsaFirepowerParser,
      checkpointParser,
      juniperSrxParser,
      cefParser,
      leefParser,
      w3cParser,
    ].map((p) => [p.id, p]),
  ),
);

/** Log-source base name (without `_SYSLOG`) -> parser id. */
const SOURCE_PARSERS: Readonly<Record<string, string>> = {
  BLUECOAT: 'bluecoat',
  SQUID: 'squid-common',
  SQUID_NATIVE: 'squid-native',
  PALO_ALTO: 'palo-alto',
  PALO_ALTO_LEEF: 'generic-leef',
  ZSCALER: 'zscaler',
  ZSCALER_QRADAR: 'zscaler',
  ZSCALER_CEF: 'generic-cef',
  FORTIGATE: 'fortigate',
  FORTIOS: 'fortigate',
  CISCO_ASA: 'cisco-asa',
  CISCO_FWSM: 'cisco-asa',
  CISCO_ASA_FIREPOWER: 'cisco-asa-firepower',
  CISCO_FIREPOWER_V6: 'cisco-asa-firepower',
  CHECKPOINT: 'checkpoint',
  CHECKPOINT_SMART_VIEW_TRACKER: 'checkpoint',
  CHECKPOINT_CEF: 'generic-cef',
  JUNIPER_SRX: 'juniper-srx',
  JUNIPER_SRX_SD: 'juniper-srx',
  GENERIC_CEF: 'generic-cef',
  WEBSENSE_SIEM_CEF: 'generic-cef',
  MENLO_SECURITY_CEF: 'generic-cef',
  GENERIC_LEEF: 'generic-leef',
  FORCEPOINT_LEEF: 'generic-leef',
  GENERIC_W3C: 'generic-w3c',
  MICROSOFT_ISA_W3C: 'generic-w3c',
  BARRACUDA: 'generic-w3c',
};

function baseName(name: string): string {
  return name.endsWith('_SYSLOG') ? name.slice(0, -7) : name;
}

/** Parser id for a source, or undefined when the source has no built-in parser. */
export function parserIdForSource(source: LogSource): string | undefined {
  return SOURCE_PARSERS[baseName(source.name)];
}

/**
 * Resolves a log source (numeric code, digit string or name) to a parser. CUSTOM_PARSER needs
 * the data source's configuration. Returns undefined for unknown or unsupported sources.
 */
export function parserForSource(codeOrName: number | string, custom?: CustomParserConfig): LogParser | undefined {
  const source = findLogSource(codeOrName);
  if (!source) return undefined;
  if (source.name === 'CUSTOM_PARSER') return custom ? defineCustomParser(custom) : undefined;
  const id = parserIdForSource(source);
  return id === undefined ? undefined : PARSERS[id];
}

/** Sources that have a parser, for listings and validation messages. */
export function supportedLogSources(): { source: LogSource; parserId: string }[] {
  const out: { source: LogSource; parserId: string }[] = [];
  for (const name of Object.keys(SOURCE_PARSERS)) {
    for (const n of [name, `${name}_SYSLOG`]) {
      const source = findLogSource(n);
      if (source) out.push({ source, parserId: SOURCE_PARSERS[name]! });
    }
  }
  return out;
}
