import { describe, expect, it } from 'vitest';
import { bluecoatParser } from '../../src/discovery/parsers/bluecoat.js';
import { cefParser } from '../../src/discovery/parsers/cef.js';
import { checkpointParser } from '../../src/discovery/parsers/checkpoint.js';
import { ciscoAsaFirepowerParser } from '../../src/discovery/parsers/cisco-asa-firepower.js';
import { ciscoAsaParser } from '../../src/discovery/parsers/cisco-asa.js';
import { defineCustomParser } from '../../src/discovery/parsers/custom.js';
import { fortigateParser } from '../../src/discovery/parsers/fortigate.js';
import { juniperSrxParser } from '../../src/discovery/parsers/juniper-srx.js';
import { leefParser } from '../../src/discovery/parsers/leef.js';
import { paloAltoParser } from '../../src/discovery/parsers/palo-alto.js';
import { squidCommonParser } from '../../src/discovery/parsers/squid-common.js';
import { squidNativeParser } from '../../src/discovery/parsers/squid-native.js';
import type { LogParser, ParseResult, ParsedRecord, ParserOptions } from '../../src/discovery/parsers/types.js';
import { w3cParser } from '../../src/discovery/parsers/w3c.js';
import { zscalerParser } from '../../src/discovery/parsers/zscaler.js';

// All sample lines below are written for these tests: documentation address ranges
// (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) and made-up users.
const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);
const OPTS: ParserOptions = { now: NOW };

function run(parser: LogParser, lines: string[], options: ParserOptions = OPTS): ParseResult[] {
  const p = parser.create(options);
  return lines.map((l) => p.parseLine(l));
}

function record(r: ParseResult | undefined): ParsedRecord {
  if (!r || r.kind !== 'record') throw new Error(`expected a record, got ${JSON.stringify(r)}`);
  return r;
}

function failure(r: ParseResult | undefined): string {
  if (!r || r.kind !== 'failure') throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
  return r.reason;
}

describe('squid native', () => {
  it('reads a plain GET with user and peer address', () => {
    const [r] = run(squidNativeParser, [
      '1718445600.125    231 192.0.2.10 TCP_MISS/200 48211 GET http://files.example.com/report.pdf jdoe HIER_DIRECT/203.0.113.80 application/pdf',
    ]);
    expect(record(r)).toEqual({
      kind: 'record',
      timestamp: 1718445600125,
      srcIp: '192.0.2.10',
      user: 'jdoe',
      destHost: 'files.example.com',
      destIp: '203.0.113.80',
      destPort: 80,
      url: 'http://files.example.com/report.pdf',
      bytesUp: 0,
      bytesDown: 48211,
      bytesTotal: 48211,
      action: 'allowed',
    });
  });

  it('reads CONNECT host:port, missing user, denied, IPv6 client, padded elapsed', () => {
    const [a, b, c] = run(squidNativeParser, [
      '1718445601.000  12040 192.0.2.11 TCP_TUNNEL/200 9120 CONNECT drive.example.org:443 - HIER_DIRECT/198.51.100.4 -',
      '1718445602.500      0 2001:db8::17 TCP_DENIED/403 3901 GET https://blocked.example.net/x - HIER_NONE/- text/html',
      '1718445603.001      5 192.0.2.12 TCP_MISS/200 10 GET http://a.example.com/ jane%20roe HIER_DIRECT/203.0.113.9',
    ]);
    const ra = record(a);
    expect(ra.destHost).toBe('drive.example.org');
    expect(ra.destPort).toBe(443);
    expect(ra.user).toBeUndefined();
    expect(ra.url).toBeUndefined();
    const rb = record(b);
    expect(rb.srcIp).toBe('2001:db8::17');
    expect(rb.action).toBe('blocked');
    expect(rb.destIp).toBeUndefined();
    expect(record(c).user).toBe('jane roe');
  });

  it('accepts a syslog envelope', () => {
    const [r] = run(squidNativeParser, [
      '<134>Jun 15 10:00:00 proxy1 squid[812]: 1718445600.000 10 192.0.2.10 TCP_MISS/200 500 GET http://x.example.com/ - HIER_DIRECT/203.0.113.1 text/plain',
    ]);
    expect(record(r).destHost).toBe('x.example.com');
  });

  it('rejects truncated and malformed lines with reasons', () => {
    const out = run(squidNativeParser, [
      '1718445600.125    231 192.0.2.10 TCP_MISS/200 48211 GET',
      'x1718445600.125 231 192.0.2.10 TCP_MISS/200 48211 GET http://a.example/ - HIER_NONE/- -',
      '1718445600.125 231 999.0.2.10 TCP_MISS/200 48211 GET http://a.example/ - HIER_NONE/- -',
      '1718445600.125 231 192.0.2.10 TCP_MISS/200 4x8211 GET http://a.example/ - HIER_NONE/- -',
      '1718445600.125 231 192.0.2.10 TCP_MISS/200 1 CONNECT :443 - HIER_NONE/- -',
    ]);
    expect(failure(out[0])).toMatch(/expected 10 fields/);
    expect(failure(out[1])).toMatch(/timestamp/);
    expect(failure(out[2])).toMatch(/client address/);
    expect(failure(out[3])).toMatch(/byte count/);
    expect(failure(out[4])).toMatch(/CONNECT/);
    expect(run(squidNativeParser, ['', '   ', '# comment'])).toMatchObject([{ kind: 'ignored' }, { kind: 'ignored' }, { kind: 'ignored' }]);
  });
});

describe('squid common', () => {
  it('reads CLF with zone offset, user and status tag', () => {
    const [a, b] = run(squidCommonParser, [
      '192.0.2.20 - asmith [15/Jun/2024:14:30:00 +0200] "GET https://mail.example.com/inbox HTTP/1.1" 200 7340 TCP_MISS:HIER_DIRECT',
      '192.0.2.21 ident1 - [15/Jun/2024:12:30:00 +0000] "CONNECT upload.example.net:443 HTTP/1.1" 403 0 TCP_DENIED:HIER_NONE',
    ]);
    const ra = record(a);
    expect(ra.timestamp).toBe(Date.UTC(2024, 5, 15, 12, 30, 0));
    expect(ra.user).toBe('asmith');
    expect(ra.bytesDown).toBe(7340);
    expect(ra.destHost).toBe('mail.example.com');
    const rb = record(b);
    expect(rb.user).toBe('ident1');
    expect(rb.action).toBe('blocked');
    expect(rb.destPort).toBe(443);
  });

  it('reads combined (referer, agent) and rejects broken quoting', () => {
    const [a, b] = run(squidCommonParser, [
      '192.0.2.22 - - [15/Jun/2024:12:00:00 +0000] "GET http://cdn.example.com/a.js HTTP/1.1" 200 90 "http://ref.example/" "Agent/1.0 (X; Y)" TCP_HIT:HIER_NONE',
      '192.0.2.22 - - [15/Jun/2024:12:00:00 +0000] "GET http://cdn.example.com/a.js HTTP/1.1 200 90',
    ]);
    expect(record(a).bytesDown).toBe(90);
    expect(failure(b)).toMatch(/unterminated/);
  });
});

describe('blue coat ELFF', () => {
  const header =
    '#Fields: date time time-taken c-ip cs-username cs-auth-group x-exception-id sc-filter-result cs-categories cs(Referer) sc-status s-action cs-method rs(Content-Type) cs-uri-scheme cs-host cs-uri-port cs-uri-path cs-uri-query cs-uri-extension cs(User-Agent) s-ip sc-bytes cs-bytes x-virus-id';
  it('maps sc-bytes to download and cs-bytes to upload, quoted fields, double blanks', () => {
    const out = run(bluecoatParser, [
      '#Software: SGOS 7.3.1.1',
      header,
      '2024-06-15 08:15:02 45 192.0.2.30 CORP\\mlee - - OBSERVED "Technology/Internet;Web Email" -  200 TCP_NC_MISS POST application/json https mail.example.com 443 /api/send ?draft=1 - "Mozilla/5.0 (Windows NT 10.0)" 198.51.100.250 1200 53000 -',
      '2024-06-15 08:15:03 3 192.0.2.31 - - policy_denied DENIED "Storage" - 403 TCP_DENIED CONNECT - tcp files.example.org 443 / - - "-" 198.51.100.250 0 310 -',
    ]);
    expect(out[0]!.kind).toBe('ignored');
    const a = record(out[2]);
    expect(a).toMatchObject({
      timestamp: Date.UTC(2024, 5, 15, 8, 15, 2),
      srcIp: '192.0.2.30',
      user: 'CORP\\mlee',
      destHost: 'mail.example.com',
      destPort: 443,
      bytesUp: 53000,
      bytesDown: 1200,
      action: 'allowed',
      url: 'https://mail.example.com/api/send?draft=1',
    });
    expect(a.destIp).toBeUndefined(); // s-ip is the proxy
    const b = record(out[3]);
    expect(b.action).toBe('blocked');
    expect(b.destHost).toBe('files.example.org');
  });

  it('uses the default main fields without a header and reports a wrong field count', () => {
    const out = run(bluecoatParser, [
      '2024-06-15 08:15:02 45 192.0.2.30 - - - OBSERVED "x" - 200 TCP_HIT GET text/html http www.example.com 80 / - - "UA" 198.51.100.250 10 20 -',
      '2024-06-15 08:15:02 45 192.0.2.30 - - - OBSERVED',
    ]);
    expect(record(out[0]).destHost).toBe('www.example.com');
    expect(failure(out[1])).toMatch(/expected 25 fields, found 8/);
  });
});

describe('generic W3C', () => {
  it('requires #Fields and follows a field change', () => {
    const out = run(w3cParser, [
      '2024-06-15 01:00:00 192.0.2.40 GET /x',
      '#Version: 1.0',
      '#Fields: date time c-ip cs-username cs-method cs-uri sc-bytes cs-bytes s-action',
      '2024-06-15 01:00:00 192.0.2.40 bob GET https://crm.example.com/leads 800 120 TCP_MISS',
      '#Fields: time c-ip r-ip cs-bytes sc-bytes date',
      '09:30:00.250 192.0.2.41 203.0.113.60 5 6 2024-06-14',
    ]);
    expect(failure(out[0])).toMatch(/#Fields/);
    expect(record(out[3])).toMatchObject({ user: 'bob', destHost: 'crm.example.com', bytesUp: 120, bytesDown: 800 });
    expect(record(out[5])).toMatchObject({ destIp: '203.0.113.60', timestamp: Date.UTC(2024, 5, 14, 9, 30, 0, 250) });
  });
});

describe('palo alto traffic', () => {
  // 0 FUTURE_USE ... 6 generated time, 7 src, 8 dst, 12 src user, 14 app, 25 dport, 30 action, 31-33 bytes
  function pan(fields: Record<number, string>, width = 50): string {
    const cols = Array.from({ length: width }, (_, i) => fields[i] ?? '0');
    return cols.join(',');
  }
  const base = {
    0: '1',
    1: '2024/06/15 10:00:01',
    2: '001122334455',
    3: 'TRAFFIC',
    4: 'end',
    6: '2024/06/15 10:00:00',
    7: '192.0.2.50',
    8: '203.0.113.70',
    12: 'corp\\kim',
    14: 'box-base',
    25: '443',
    30: 'allow',
    31: '7000',
    32: '2000',
    33: '5000',
  };
  it('reads bytes sent as upload and received as download, with a syslog header', () => {
    const [a] = run(paloAltoParser, [`Jun 15 10:00:01 fw-edge-01 ${pan(base)}`], { now: NOW, utcOffsetMinutes: -240 });
    expect(record(a)).toMatchObject({
      timestamp: Date.UTC(2024, 5, 15, 14, 0, 0),
      srcIp: '192.0.2.50',
      destIp: '203.0.113.70',
      destPort: 443,
      user: 'corp\\kim',
      bytesUp: 2000,
      bytesDown: 5000,
      bytesTotal: 7000,
      action: 'allowed',
      vendorApp: 'box-base',
    });
  });
  it('treats deny/drop/reset as blocked, ignores THREAT rows, quoted commas, short rows', () => {
    const out = run(paloAltoParser, [
      pan({ ...base, 30: 'reset-both', 12: '' }),
      pan({ ...base, 3: 'THREAT' }),
      pan({ ...base, 14: '"app,with,commas"' }),
      pan(base, 20),
      pan({ ...base, 7: 'not-an-ip' }),
    ]);
    expect(record(out[0])).toMatchObject({ action: 'blocked' });
    expect(record(out[0]).user).toBeUndefined();
    expect(out[1]!.kind).toBe('ignored');
    expect(record(out[2]).vendorApp).toBe('app,with,commas');
    expect(failure(out[3])).toMatch(/columns/);
    expect(failure(out[4])).toMatch(/source/);
  });
});

describe('zscaler', () => {
  it('reads JSON, CSV (default order and header) and LEEF', () => {
    const json = JSON.stringify({
      sourcetype: 'zscalernss-web',
      event: {
        time: 'Sat Jun 15 09:00:00 2024',
        login: 'lee@example.com',
        eurl: 'share.example.com/f/abc%20d',
        action: 'Blocked',
        reqsize: '4000',
        respsize: '300',
        cip: '192.0.2.60',
        sip: '203.0.113.90',
        appname: 'ExampleShare',
      },
    });
    const csvCols = [
      'Sat Jun 15 09:01:00 2024',
      'lee@example.com',
      'HTTPS',
      'docs.example.com/edit',
      'Allowed',
      'Docs',
      'Productivity',
      '100',
      '2500',
      'a',
      'b',
      'c',
      'None',
      'None',
      '0',
      'None',
      'None',
      'HQ',
      'IT',
      '192.0.2.61',
      '203.0.113.91',
      'GET',
      '200',
      'UA',
      'None',
    ];
    const csv = csvCols.map((c) => `"${c}"`).join(',');
    const leef =
      'Jun 15 09:02:00 nss LEEF:1.0|Zscaler|NSS|4.1|Allowed|cat=Allowed\tdevTime=Jun 15 2024 09:02:00 UTC\tsrc=192.0.2.62\tdst=203.0.113.92\tusrName=pat@example.com\tsrcBytes=11\tdstBytes=22\turl=https://wiki.example.com/page one';
    const out = run(zscalerParser, [json, csv, leef], { now: NOW, utcOffsetMinutes: 60 });
    expect(record(out[0])).toMatchObject({
      timestamp: Date.UTC(2024, 5, 15, 8),
      action: 'blocked',
      bytesUp: 4000,
      bytesDown: 300,
      destHost: 'share.example.com',
      url: 'share.example.com/f/abc d',
      user: 'lee@example.com',
    });
    expect(record(out[1])).toMatchObject({
      srcIp: '192.0.2.61',
      destHost: 'docs.example.com',
      bytesUp: 100,
      bytesDown: 2500,
      action: 'allowed',
    });
    expect(record(out[2])).toMatchObject({
      timestamp: Date.UTC(2024, 5, 15, 9, 2),
      srcIp: '192.0.2.62',
      user: 'pat@example.com',
      bytesUp: 11,
      bytesDown: 22,
      destHost: 'wiki.example.com',
    });

    const withHeader = run(zscalerParser, [
      'datetime,cip,eurl,action,reqsize,respsize,login',
      '2024-06-15 10:00:00,192.0.2.63,app.example.com/,Allowed,1,2,x@example.com',
    ]);
    expect(withHeader[0]!.kind).toBe('ignored');
    expect(record(withHeader[1])).toMatchObject({ bytesUp: 1, bytesDown: 2, destHost: 'app.example.com' });
    expect(failure(run(zscalerParser, ['{"event": {"time": "x"']).at(0))).toMatch(/time|JSON/);
  });
});

describe('fortigate', () => {
  it('reads traffic and webfilter logs, eventtime precision and tz', () => {
    const out = run(fortigateParser, [
      '<189>date=2024-06-15 time=10:00:00 devname="fw-a" logid="0000000013" type="traffic" subtype="forward" level="notice" tz="+0200" srcip=192.0.2.70 srcport=51000 dstip=203.0.113.100 dstport=443 action="close" user="ana" sentbyte=1500 rcvdbyte=98000 app="HTTPS.BROWSER"',
      'date=2024-06-15 time=10:00:05 devname="fw-a" type="utm" subtype="webfilter" eventtime=1718445605123456789 srcip=192.0.2.71 dstip=203.0.113.101 dstport=443 hostname="paste.example.com" action="blocked" url="/raw/1" sentbyte=900 rcvdbyte=0 msg="URL belongs to a denied category in policy"',
      'date=2024-06-15 time=10:00:05 type="event" subtype="system" msg="admin login"',
      'date=2024-06-15 time=10:00:05 type="traffic" srcip=192.0.2.71 dstip=203.0.113.101 msg="unterminated',
    ]);
    expect(record(out[0])).toMatchObject({
      timestamp: Date.UTC(2024, 5, 15, 8),
      user: 'ana',
      bytesUp: 1500,
      bytesDown: 98000,
      action: 'allowed',
      destIp: '203.0.113.100',
    });
    expect(record(out[1])).toMatchObject({
      timestamp: 1718445605123,
      destHost: 'paste.example.com',
      url: 'https://paste.example.com/raw/1',
      action: 'blocked',
    });
    expect(out[2]!.kind).toBe('ignored');
    expect(failure(out[3])).toMatch(/unterminated/);
  });
});

describe('cisco asa', () => {
  it('pairs built and teardown, counts bytes on teardown, ignores inbound', () => {
    const out = run(ciscoAsaParser, [
      'Jun 15 2024 11:00:00 asa-1 : %ASA-6-302013: Built outbound TCP connection 9001 for outside:203.0.113.110/443 (203.0.113.110/443) to inside:192.0.2.80/50500 (198.51.100.8/50500)',
      'Jun 15 2024 11:02:30 asa-1 : %ASA-6-302014: Teardown TCP connection 9001 for outside:203.0.113.110/443 to inside:192.0.2.80/50500 duration 0:02:30 bytes 88000 TCP FINs',
      '<166>Jun 15 11:03:00 asa-1 %ASA-6-302015: Built inbound UDP connection 9002 for outside:198.51.100.20/5000 (198.51.100.20/5000) to dmz:192.0.2.81/53 (203.0.113.5/53)',
      '<166>Jun 15 11:03:01 asa-1 %ASA-6-302016: Teardown UDP connection 9002 for outside:198.51.100.20/5000 to dmz:192.0.2.81/53 duration 0:00:01 bytes 120',
      'Jun 15 2024 11:04:00 asa-1 : %ASA-6-302014: Teardown TCP connection 77 for inside:192.0.2.82/50600 to outside:2001:db8::443/443 duration 0:00:09 bytes 5000 TCP FINs (CORP\\pat)',
      'Jun 15 2024 11:05:00 asa-1 : %ASA-4-106023: Deny tcp src inside:192.0.2.83/50700 dst outside:203.0.113.111/8443 by access-group "out_acl" [0x0, 0x0]',
      'Jun 15 2024 11:05:00 asa-1 : %ASA-6-305011: Built dynamic TCP translation from inside:192.0.2.83/1 to outside:198.51.100.8/2',
      'Jun 15 2024 11:06:00 asa-1 : %ASA-6-302014: Teardown TCP connection 78 for outside:203.0.113.1/443 to inside:192.0.2.84/50800 duration 0:00:01 bytes',
      'Jun 15 2024 11:06:00 asa-1 : %ASA-4-106100: access-list out_acl denied tcp inside/192.0.2.85(50900) -> outside/203.0.113.112(443) hit-cnt 1 first hit [0x1, 0x0]',
    ]);
    expect(out[0]!.kind).toBe('ignored');
    expect(record(out[1])).toMatchObject({
      timestamp: Date.UTC(2024, 5, 15, 11, 2, 30),
      srcIp: '192.0.2.80',
      destIp: '203.0.113.110',
      destPort: 443,
      bytesTotal: 88000,
      bytesUp: 0,
      bytesDown: 0,
    });
    expect(out[3]).toMatchObject({ kind: 'ignored', reason: 'inbound connection' });
    // No Built seen: the side with the well-known port is the server, whatever the order.
    expect(record(out[4])).toMatchObject({ srcIp: '192.0.2.82', destIp: '2001:db8::443', user: 'CORP\\pat' });
    expect(record(out[5])).toMatchObject({ action: 'blocked', destPort: 8443 });
    expect(out[6]!.kind).toBe('ignored');
    expect(failure(out[7])).toMatch(/byte count/);
    expect(record(out[8])).toMatchObject({ action: 'blocked', srcIp: '192.0.2.85', destIp: '203.0.113.112' });
  });
});

describe('cisco asa firepower', () => {
  it('reads FTD 430003 and SFIMS connection events', () => {
    const out = run(ciscoAsaFirepowerParser, [
      '<113>Jun 15 12:00:00 ftd-1 : %FTD-1-430003: DeviceUUID: 00000000-0000-0000-0000-000000000001, ConnectionID: 5, AccessControlRuleAction: Allow, SrcIP: 192.0.2.90, DstIP: 203.0.113.120, SrcPort: 51111, DstPort: 443, Protocol: tcp, User: CORP\\dana, WebApplication: ExampleDrive, URL: https://drive.example.com/upload, InitiatorPackets: 20, ResponderPackets: 15, InitiatorBytes: 900000, ResponderBytes: 4000',
      '<113>Jun 15 12:00:01 ftd-1 : %FTD-1-430002: ConnectionID: 6, AccessControlRuleAction: Allow, SrcIP: 192.0.2.90, DstIP: 203.0.113.120',
      '<113>Jun 15 12:00:02 ftd-1 : %FTD-1-430002: ConnectionID: 7, AccessControlRuleAction: Block, SrcIP: 192.0.2.91, DstIP: 203.0.113.121, DstPort: 443',
      'Jun 15 12:00:03 sfr SFIMS: [Primary Detection Engine (1)][Default Policy] Connection Type: End, User: No Authentication Required, Access Control Rule Action: Allow, Initiator Bytes: 10, Responder Bytes: 20, URL: http://news.example.com/ {TCP} 192.0.2.92:52000 -> 203.0.113.122:80',
    ]);
    expect(record(out[0])).toMatchObject({
      bytesUp: 900000,
      bytesDown: 4000,
      user: 'CORP\\dana',
      destHost: 'drive.example.com',
      destIp: '203.0.113.120',
      action: 'allowed',
    });
    expect(out[1]!.kind).toBe('ignored');
    expect(record(out[2])).toMatchObject({ action: 'blocked', srcIp: '192.0.2.91' });
    expect(record(out[3])).toMatchObject({ srcIp: '192.0.2.92', destIp: '203.0.113.122', destPort: 80, bytesUp: 10, bytesDown: 20 });
    expect(record(out[3]).user).toBeUndefined();
  });
});

describe('check point', () => {
  it('reads Log Exporter records', () => {
    const out = run(checkpointParser, [
      '<134>1 2024-06-15T13:00:00Z cp-gw CheckPoint 2201 - [action:"Accept"; ifdir:"outbound"; src:"192.0.2.100"; dst:"203.0.113.130"; service:"443"; proto:"6"; src_user_name:"Sam Lee (slee)"; resource:"https://crm.example.com/x"; client_outbound_bytes:"700"; server_outbound_bytes:"9000"; product:"URL Filtering"]',
      '<134>1 2024-06-15T13:00:05Z cp-gw CheckPoint 2201 - [action:"Drop"; src:"192.0.2.101"; dst:"203.0.113.131"; service:"22"; time:"1718456400"]',
      '<134>1 2024-06-15T13:00:05Z cp-gw CheckPoint 2201 - [action:"Drop"; src:"192.0.2.101"; dst:"203.0.113.131; service:"22"]',
    ]);
    expect(record(out[0])).toMatchObject({
      timestamp: Date.UTC(2024, 5, 15, 13),
      user: 'Sam Lee (slee)',
      destHost: 'crm.example.com',
      bytesUp: 700,
      bytesDown: 9000,
      action: 'allowed',
      destPort: 443,
    });
    expect(record(out[1])).toMatchObject({ timestamp: 1718456400000, action: 'blocked', destIp: '203.0.113.131' });
    expect(out[2]!.kind).not.toBe('record');
  });
  it('reads a CSV export with a header row', () => {
    const out = run(checkpointParser, [
      'Date;Time;Action;Source;Destination;Service;User',
      '2024-06-15;13:10:00;Reject;192.0.2.102;203.0.113.132;443;rob',
    ]);
    expect(out[0]!.kind).toBe('ignored');
    expect(record(out[1])).toMatchObject({ action: 'blocked', user: 'rob', timestamp: Date.UTC(2024, 5, 15, 13, 10) });
  });
});

describe('juniper srx', () => {
  it('reads close (bytes by direction), deny, typographic quotes; ignores create', () => {
    const out = run(juniperSrxParser, [
      '<14>1 2024-06-15T14:00:00.500+02:00 srx-1 RT_FLOW - RT_FLOW_SESSION_CLOSE [junos@2636.1.1.1.2.40 reason="TCP FIN" source-address="192.0.2.110" source-port="53000" destination-address="203.0.113.140" destination-port="443" service-name="junos-https" application="SSL" nested-application="EXAMPLE-DRIVE" username="N/A" bytes-from-client="3300" bytes-from-server="120000" packets-from-client="10"]',
      '<14>1 2024-06-15T14:00:01 srx-1 RT_FLOW - RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.40 source-address="192.0.2.111" source-port="53001" destination-address="203.0.113.141" destination-port="25" username=“mia” reason=“policy deny”]',
      '<14>1 2024-06-15T14:00:02Z srx-1 RT_FLOW - RT_FLOW_SESSION_CREATE [junos@2636.1.1.1.2.40 source-address="192.0.2.112"]',
      '<14>1 2024-06-15T14:00:02Z srx-1 RT_FLOW - RT_FLOW_SESSION_CLOSE [junos@2636.1.1.1.2.40 source-address="192.0.2.112" destination-address="203.0.113.142" bytes-from-client="1',
    ]);
    expect(record(out[0])).toMatchObject({
      timestamp: Date.UTC(2024, 5, 15, 12, 0, 0, 500),
      bytesUp: 3300,
      bytesDown: 120000,
      vendorApp: 'EXAMPLE-DRIVE',
      destPort: 443,
    });
    expect(record(out[0]).user).toBeUndefined();
    expect(record(out[1])).toMatchObject({ action: 'blocked', user: 'mia', timestamp: Date.UTC(2024, 5, 15, 14, 0, 1) });
    expect(out[2]!.kind).toBe('ignored');
    expect(failure(out[3])).toMatch(/unterminated/);
  });
});

describe('generic CEF', () => {
  const line =
    'Jun 15 15:00:00 gw CEF:0|Example|Gateway|2.1|100|Web request \\| allowed|3|rt=Jun 15 2024 15:00:00 UTC src=192.0.2.120 suser=Kai Moe dhost=video.example.com dpt=443 request=https://video.example.com/watch?v\\=1 act=allowed in=1500 out=64000 msg=padded   ';
  it('reads header escapes, values with blanks, in/out per the ArcSight dictionary', () => {
    const [a] = run(cefParser, [line]);
    expect(record(a)).toMatchObject({
      timestamp: Date.UTC(2024, 5, 15, 15),
      srcIp: '192.0.2.120',
      user: 'Kai Moe',
      destHost: 'video.example.com',
      url: 'https://video.example.com/watch?v=1',
      bytesUp: 1500,
      bytesDown: 64000,
      action: 'allowed',
    });
    const [b] = run(cefParser, [line], { now: NOW, cefDirection: 'received' });
    expect(record(b)).toMatchObject({ bytesUp: 64000, bytesDown: 1500 });
  });
  it('marks blocked actions, uses epoch rt, fails without header', () => {
    const out = run(cefParser, [
      'CEF:0|Example|Gateway|2.1|101|Blocked|7|rt=1718463600000 src=2001:db8::20 dst=203.0.113.150 act=blocked',
      'CEF:0|Example|Gateway|2.1',
      'no cef here',
    ]);
    expect(record(out[0])).toMatchObject({ action: 'blocked', timestamp: 1718463600000, srcIp: '2001:db8::20', destIp: '203.0.113.150' });
    expect(failure(out[1])).toMatch(/fewer than 7/);
    expect(failure(out[2])).toMatch(/CEF/);
  });
});

describe('generic LEEF', () => {
  it('reads LEEF 2.0 with a custom delimiter', () => {
    const [a] = run(leefParser, [
      'LEEF:2.0|Example|Proxy|1.0|42|^|devTime=2024-06-15T16:00:00Z^src=192.0.2.130^url=https://chat.example.com/^srcBytes=5^dstBytes=6^action=block',
    ]);
    expect(record(a)).toMatchObject({ destHost: 'chat.example.com', bytesUp: 5, bytesDown: 6, action: 'blocked' });
  });
});

describe('custom parser', () => {
  it('maps CSV columns by header and parses a configured date format', () => {
    const parser = defineCustomParser({
      layout: 'csv',
      delimiter: ';',
      header: 'first-line',
      fields: {
        timestamp: ['Day', 'Clock'],
        srcIp: 'Client',
        user: 'Who',
        destHost: 'Site',
        bytesUp: 'Out',
        bytesDown: 'In',
        action: 'Verdict',
      },
      timestampFormat: 'dd.MM.yyyy HH:mm:ss Z',
      blockedValues: ['refused'],
    });
    const out = run(parser, [
      'Day;Clock;Client;Who;Site;Out;In;Verdict',
      '15.06.2024;18:00:00 +0200;192.0.2.140;eve;notes.example.com:8443;10;20;refused',
      '2024-06-15;18:00:00;192.0.2.140;eve;notes.example.com;10;20;ok',
    ]);
    expect(out[0]!.kind).toBe('ignored');
    expect(record(out[1])).toMatchObject({
      timestamp: Date.UTC(2024, 5, 15, 16),
      user: 'eve',
      destHost: 'notes.example.com',
      destPort: 8443,
      bytesUp: 10,
      bytesDown: 20,
      action: 'blocked',
    });
    expect(failure(out[2])).toMatch(/format/);
  });
  it('maps key=value keys case-sensitively', () => {
    const parser = defineCustomParser({
      layout: 'keyvalue',
      fields: { timestamp: 'ts', srcIp: 'client', destIp: 'server', bytesTotal: 'bytes' },
      timestampFormat: 'epoch',
    });
    const out = run(parser, [
      'ts=1718460000 client=192.0.2.141 server=203.0.113.160 bytes=77',
      'TS=1718460000 client=192.0.2.141 server=203.0.113.160',
    ]);
    expect(record(out[0])).toMatchObject({ bytesTotal: 77, destIp: '203.0.113.160' });
    expect(failure(out[1])).toMatch(/timestamp/);
  });
  it('rejects an unusable date pattern when defined', () => {
    expect(() => defineCustomParser({ layout: 'csv', fields: { timestamp: '0', srcIp: '1' }, timestampFormat: 'HH:mm' })).toThrow(/yyyy/);
  });
});
