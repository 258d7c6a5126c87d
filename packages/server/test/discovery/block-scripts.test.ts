import { describe, expect, it } from 'vitest';
import {
  BLOCK_SCRIPT_GENERATORS,
  blockScriptFileName,
  blockScriptGenerator,
  generateBlockScript,
} from '../../src/discovery/block-scripts/registry.js';
import { blockDomains, type BlockScriptApp } from '../../src/discovery/block-scripts/types.js';

const APPS: BlockScriptApp[] = [
  { id: 1, name: 'Example Share', domains: ['example.com', '*.example.com', 'https://files.example.net/path', 'EXAMPLE.COM.'] },
  { id: 2, name: 'Other', domains: ['*-my.sharepoint.example', 'bad domain', 'other.example.org:443'] },
];

describe('block scripts', () => {
  it('normalises and de-duplicates domains', () => {
    expect(blockDomains(APPS)).toEqual(['example.com', 'files.example.net', 'sharepoint.example', 'other.example.org']);
  });

  it('pins the three published shapes', () => {
    expect(generateBlockScript(102, APPS)).toBe(
      'url.domain=example.com deny\nurl.domain=files.example.net deny\nurl.domain=sharepoint.example deny\nurl.domain=other.example.org deny\n',
    );
    expect(generateBlockScript('WEBSENSE_V7_5', APPS)!.split('\n')[0]).toBe('dest_host=example.com action=deny');
    expect(generateBlockScript(120, APPS)).toBe('.example.com\n.files.example.net\n.sharepoint.example\n.other.example.org\n');
  });

  it('writes vendor syntax for Palo Alto, FortiGate, Cisco ASA and Juniper SRX', () => {
    const one: BlockScriptApp[] = [{ id: 1, name: 'X', domains: ['example.com'] }];
    expect(generateBlockScript(112, one)).toBe('example.com\n*.example.com\n');
    expect(generateBlockScript(108, one)).toBe(
      [
        'config webfilter urlfilter',
        '    edit 1000',
        '        set name "Appwarden_unsanctioned_apps"',
        '        config entries',
        '            edit 1',
        '                set url "example.com"',
        '                set type simple',
        '                set action block',
        '            next',
        '            edit 2',
        '                set url "*.example.com"',
        '                set type wildcard',
        '                set action block',
        '            next',
        '        end',
        '    next',
        'end',
        '',
      ].join('\n'),
    );
    const asa = generateBlockScript(104, one)!;
    expect(asa).toContain('regex Appwarden_1 "(^|\\.)example\\.com"');
    expect(asa).toContain(' match request header host regex class Appwarden_unsanctioned');
    expect(asa).toContain('  drop-connection log');
    expect(generateBlockScript(129, one)).toContain('url-pattern Appwarden_unsanctioned value [ "example.com" "*.example.com" ]');
  });

  it('resolves every published format code and names the file like the portal', () => {
    expect(BLOCK_SCRIPT_GENERATORS.map((g) => g.format).sort()).toEqual([102, 104, 108, 112, 120, 129, 135]);
    expect(blockScriptGenerator('108')?.name).toBe('FORTIGATE');
    expect(blockScriptGenerator(999)).toBeUndefined();
    expect(blockScriptFileName(blockScriptGenerator(108)!, new Date(Date.UTC(2017, 1, 19)))).toBe(
      '2017-02-19_CAS_Fortigate_block_script.txt',
    );
    for (const g of BLOCK_SCRIPT_GENERATORS) expect(g.generate([])).not.toContain('undefined');
  });
});
