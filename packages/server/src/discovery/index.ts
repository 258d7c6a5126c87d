// Public surface of the Cloud Discovery log engine, for the HTTP/upload layer.
export { LOG_SOURCES, findLogSource, type LogSource } from './log-sources.js';
export { PARSERS, parserForSource, parserIdForSource, supportedLogSources } from './parsers/registry.js';
export type { LineParser, LogParser, ParseResult, ParsedRecord, ParseFailure, IgnoredLine, ParserOptions } from './parsers/types.js';
export {
  defineCustomParser,
  createCustomParser,
  validateCustomParserConfig,
  CustomParserConfigError,
  CUSTOM_FIELDS,
  type CustomParserConfig,
  type CustomField,
} from './parsers/custom.js';
export {
  parseStream,
  uploadVerdict,
  DiscoveryInputError,
  type ParseStreamOptions,
  type ParseStreamResult,
  type ParseStreamStats,
  type FailureSample,
  type Compression,
  type DiscoveryInputErrorCode,
} from './parse-stream.js';
export {
  ChunkPool,
  parseStreamInWorker,
  parseStreamRollupInWorker,
  defaultWorkerUrl,
  type ParsedRollup,
  type WorkerParseOptions,
} from './parse-in-worker.js';
export { parseStreamParallel, type ParallelParseOptions } from './parse-parallel.js';
export {
  TrafficAggregator,
  rollupRow,
  rollupRows,
  sortedBuckets,
  type AggregateRow,
  type PartialRollup,
  type UnclassifiedDestination,
} from './aggregation.js';
export { LineSplitter, type LineSink } from './line-splitter.js';
export { readZipEntries, ChunkReader, ZipFormatError, type ZipEntry, type ZipSkip } from './zip-reader.js';
export { CATALOG_APPS, riskFromSubscores, type CatalogApp, type RiskScores } from './catalog/apps.js';
export { SAAS_CATEGORIES, isSaasCategory, type SaasCategory } from './catalog/categories.js';
export { AppMatcher, type MatchResult, type MatchTarget } from './catalog/app-matcher.js';
export { IpRangeTable, parseRange, parseIpv4Number, parseAddressWords, type RangeEntry } from './ip-ranges.js';
export { BLOCK_SCRIPT_GENERATORS, blockScriptGenerator, generateBlockScript, blockScriptFileName } from './block-scripts/registry.js';
export { blockDomains, type BlockScriptApp, type BlockScriptGenerator } from './block-scripts/types.js';
