import { ALERT_RESOLUTION_STATUS, ALERT_SEVERITY, ENTITY_STATUS, FILTER_FIELDS, FILTER_OPERATOR_SPECS } from '@appwarden/protocol';
import { describe, expect, it } from 'vitest';
import { parseFilterExpressions } from '../../packages/cli/src/cli-filters.js';
import { codeLabels } from '../../packages/cli/src/output.js';

// The CLI reads operators and code tables from protocol instead of keeping copies of its own.

describe('CLI labels from protocol code tables', () => {
  it('keeps the words the tables printed before', () => {
    const severity = codeLabels(ALERT_SEVERITY, { INFORMATIONAL: 'info' });
    expect([0, 1, 2, 3, 9].map(severity)).toEqual(['low', 'medium', 'high', 'info', undefined]);
    const resolution = codeLabels(ALERT_RESOLUTION_STATUS);
    expect([0, 1, 2, 3, 4, 5].map(resolution)).toEqual(['open', 'dismissed', 'resolved', 'false positive', 'benign', 'true positive']);
    const status = codeLabels(ENTITY_STATUS, { NA: 'n/a' });
    expect([0, 1, 2, 3, 4].map(status)).toEqual(['n/a', 'staged', 'active', 'suspended', 'deleted']);
  });
});

describe('--filter operands follow the protocol operator table', () => {
  it('every operator a field accepts has an operand shape', () => {
    for (const fields of Object.values(FILTER_FIELDS)) {
      for (const spec of Object.values(fields)) for (const op of spec.operators) expect(FILTER_OPERATOR_SPECS[op]).toBeDefined();
    }
  });

  it('list operators split on commas, text operators keep text, day and flag operators convert', () => {
    expect(parseFilterExpressions('activities', ['user.orgUnit:descendantof=/a,/b'])).toEqual({
      'user.orgUnit': { descendantof: ['/a', '/b'] },
    });
    expect(parseFilterExpressions('alerts', ['severity=1,2'])).toEqual({ severity: { eq: [1, 2] } });
    expect(parseFilterExpressions('alerts', ['date:gte_ndays=7'])).toEqual({ date: { gte_ndays: 7 } });
    expect(parseFilterExpressions('activities', ['user.orgUnit:isset'])).toEqual({ 'user.orgUnit': { isset: true } });
    expect(parseFilterExpressions('activities', ['text:text=a,b'])).toEqual({ text: { text: 'a,b' } });
  });
});
