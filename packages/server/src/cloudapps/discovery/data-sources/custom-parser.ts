import { CustomParserConfigError, validateCustomParserConfig, type CustomParserConfig } from '../../../discovery/index.js';
import { invalidParameter } from '../../errors.js';

/**
 * `customParser` of a data-source body (an object, or its JSON as a string), checked; an error
 * names the offending member as `customParser.<path>` and echoes its value.
 */
export function customParserParam(p: Record<string, unknown>): CustomParserConfig {
  let raw = p.customParser;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      throw invalidParameter('customParser', 'customParser is not valid JSON', raw);
    }
  }
  if (raw === undefined || raw === null) {
    throw invalidParameter('customParser', 'customParser is required when logType is CUSTOM_PARSER (167)', null);
  }
  try {
    return validateCustomParserConfig(raw);
  } catch (e) {
    if (!(e instanceof CustomParserConfigError)) throw e;
    const param = e.field ? `customParser.${e.field}` : 'customParser';
    let value: unknown = raw;
    for (const part of e.field ? e.field.split(/\.|\[|\]/).filter(Boolean) : []) {
      value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
    }
    throw invalidParameter(param, `${param} ${e.message}`, value ?? null);
  }
}
