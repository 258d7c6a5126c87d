// Block-script generators by `format` code (the codes of GET /api/discovery_block_scripts/).
import { bluecoatBlockScript } from './bluecoat.js';
import { ciscoAsaBlockScript } from './cisco-asa.js';
import { fortigateBlockScript } from './fortigate.js';
import { juniperSrxBlockScript } from './juniper-srx.js';
import { paloAltoBlockScript } from './palo-alto.js';
import type { BlockScriptApp, BlockScriptGenerator } from './types.js';
import { websenseBlockScript } from './websense.js';
import { zscalerBlockScript } from './zscaler.js';

export const BLOCK_SCRIPT_GENERATORS: readonly BlockScriptGenerator[] = [
  bluecoatBlockScript,
  ciscoAsaBlockScript,
  fortigateBlockScript,
  paloAltoBlockScript,
  zscalerBlockScript,
  juniperSrxBlockScript,
  websenseBlockScript,
];

/** By numeric code (102) or name (`BLUECOAT`); undefined for unsupported formats. */
export function blockScriptGenerator(format: number | string): BlockScriptGenerator | undefined {
  const t = typeof format === 'number' ? format : /^\d+$/.test(format.trim()) ? Number(format) : format.trim().toUpperCase();
  return BLOCK_SCRIPT_GENERATORS.find((g) => g.format === t || g.name === t);
}

export function generateBlockScript(format: number | string, apps: readonly BlockScriptApp[]): string | undefined {
  return blockScriptGenerator(format)?.generate(apps);
}

/** The portal's download name, e.g. `2017-02-19_CAS_Fortigate_block_script.txt`. */
export function blockScriptFileName(generator: BlockScriptGenerator, date: Date): string {
  return `${date.toISOString().slice(0, 10)}_CAS_${generator.fileSuffix}_block_script.txt`;
}
