import { blockScriptFileName, blockScriptGenerator, BLOCK_SCRIPT_GENERATORS, CATALOG_APPS } from '../../../discovery/index.js';
import type { SanctionState } from '../../../store/discovery-schema.js';
import { invalidParameter } from '../../errors.js';
import { stringParam } from '../../request-params.js';
import { RawText, type CloudAppsCall, type CloudAppsRoute } from '../../route-definition.js';
import { pageOf, pageParams } from '../memory-list.js';
import { sanctionStates } from '../report-apps.js';

/**
 * The apps to block (`type=banned`, the unsanctioned ones) or to allow (`type=allowed`), in name
 * order: as a script for an appliance when `format` is given, else as a JSON list of domain lists
 * (the shape the Netskope Cloud Exchange plugin pages through, reference §6).
 */
async function generate(call: CloudAppsCall) {
  const p = call.params;
  const type = (stringParam(p, 'type') ?? 'banned').toLowerCase();
  if (type !== 'banned' && type !== 'allowed') throw invalidParameter('type', 'type must be banned or allowed', type);
  const wanted: SanctionState = type === 'banned' ? 'unsanctioned' : 'sanctioned';
  const states = await sanctionStates(call);
  const apps = CATALOG_APPS.filter((a) => states.get(a.id) === wanted).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id,
  );
  const format = stringParam(p, 'format')?.trim();
  if (!format) {
    const { skip, limit } = pageParams(p);
    return pageOf(apps, skip, limit, (a) => ({ appId: a.id, name: a.name, domainList: [...a.domains] }));
  }
  const generator = blockScriptGenerator(format);
  if (!generator) {
    throw invalidParameter(
      'format',
      `${format} is not a block-script format (${BLOCK_SCRIPT_GENERATORS.map((g) => g.format).join(', ')})`,
      format,
    );
  }
  return new RawText(generator.generate(apps), 'text/plain; charset=utf-8', {
    'content-disposition': `attachment; filename="${blockScriptFileName(generator, new Date(call.now))}"`,
  });
}

/** Needs Discovery.manage (`discovery.blockScript`); the docs name the unversioned path. */
export const BLOCK_SCRIPT_ROUTES: CloudAppsRoute[] = [
  {
    methods: ['GET'],
    paths: ['discovery_block_scripts'],
    rootPaths: ['discovery_block_scripts'],
    endpoint: 'discovery.blockScript',
    handle: generate,
  },
];
