import { describe, expect, it } from 'vitest';
import { alertSignature, cefLine, escapeHeader, escapeValue, syslogFrame } from '../../src/siem/cef.js';
import { parseExtension, parseFrame } from '../../../../test/support/cef-receiver.js';

describe('CEF escaping', () => {
  it('escapes header and extension specials and round-trips through a strict parser', () => {
    expect(escapeHeader('a|b\\c\nd')).toBe('a\\|b\\\\c d');
    expect(escapeValue('x=1\\2\r\n|')).toBe('x\\=1\\\\2\\r\\n|');
    const nasty = 'a = b | c \\ d\nnext key=value msg=oops';
    const line = cefLine({
      signatureId: 'SIG|1',
      name: 'Name \\ with | pipes',
      severity: 3,
      extension: [
        ['msg', nasty],
        ['suser', 'alice@contoso.com'],
        ['cs3', ''],
      ],
    });
    const e = parseFrame(syslogFrame('rfc5424', line, 0, 'host', true));
    expect([e.signatureId, e.name, e.severity]).toEqual(['SIG|1', 'Name \\ with | pipes', '3']);
    expect(e.ext).toEqual({ msg: nasty, suser: 'alice@contoso.com', cs3: '' });
    expect(e.syslog.type).toBe('CEF');
  });

  it('shortens cs3 then msg to fit a datagram', () => {
    const line = cefLine(
      {
        signatureId: 'S',
        name: 'N',
        severity: 0,
        extension: [
          ['msg', 'm'.repeat(3000)],
          ['cs3', 'c'.repeat(9000)],
        ],
      },
      4000,
    );
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(4000);
    const ext = parseExtension(line.slice(line.lastIndexOf('|') + 1)).values;
    expect(ext.msg).toBe('m'.repeat(3000));
    expect(ext.cs3!.endsWith('...')).toBe(true);
  });

  it('names alert types from the policy type and the detection title', () => {
    expect(alertSignature({ policy: { policyType: 'AUDIT' } })).toBe('ALERT_CABINET_EVENT_MATCH_AUDIT');
    expect(alertSignature({ policy: { policyType: 'FILE' } })).toBe('ALERT_CABINET_EVENT_MATCH_FILE');
    expect(
      alertSignature({ title: 'Impossible travel activity', entities: [{ type: 'policyRule', policyType: 'ANOMALY_DETECTION' }] }),
    ).toBe('ALERT_ANUBIS_DETECTION_VELOCITY');
    expect(alertSignature({ title: 'Mass download' })).toBe('ALERT_ANUBIS_DETECTION_REPEATED_ACTIVITY_DOWNLOAD');
    expect(alertSignature({ alertTypeName: 'ALERT_X', policy: { policyType: 'AUDIT' } })).toBe('ALERT_X');
  });

  it('frames: RFC 5424, RFC 3164 and the agent own', () => {
    const t = Date.UTC(2024, 2, 5, 10, 15, 2);
    expect(syslogFrame('rfc5424', 'CEF:0|x', t, 'h', false)).toBe('<14>1 2024-03-05T10:15:02.000Z h appwarden - - - CEF:0|x');
    expect(syslogFrame('rfc3164', 'CEF:0|x', t, 'h', true)).toBe('<12>Mar  5 10:15:02 h appwarden: CEF:0|x');
    expect(syslogFrame('agent', 'CEF:0|x', t, 'h', true)).toBe('2024-03-05T10:15:02.000Z h CEF:0|x');
  });
});
