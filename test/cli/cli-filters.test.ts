import { describe, expect, it } from 'vitest';
import { parseFilterExpressions } from '../../packages/cli/src/cli-filters.js';

describe('--filter expressions for the discovery registries', () => {
  it('subnets: category and tags lists, builtIn as a boolean', () => {
    expect(parseFilterExpressions('subnets', ['category=1,4', 'tags!=Tor', 'builtIn=false'])).toEqual({
      category: { eq: [1, 4] },
      tags: { neq: ['Tor'] },
      builtIn: { eq: [false] },
    });
  });

  it('subnets: a field or operator the registry lacks is a usage error before any request', () => {
    expect(() => parseFilterExpressions('subnets', ['categry=1'])).toThrow(/did you mean 'category'/);
    expect(() => parseFilterExpressions('subnets', ['builtIn!=true'])).toThrow(/'builtIn' does not support neq/);
    expect(() => parseFilterExpressions('subnets', ['builtIn=maybe'])).toThrow(/not true or false/);
  });

  it('discovered apps: numbers with bounds', () => {
    expect(parseFilterExpressions('discoveredApps', ['users>5', 'score=3,8'])).toEqual({ users: { gt: 5 }, score: { eq: [3, 8] } });
  });
});
