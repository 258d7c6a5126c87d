import { describe, expect, it } from 'vitest';
import { envelopeBytes, envelopeText } from '../../src/cloudapps/list-envelope.js';

const page = { rows: [], hasNext: true, total: 3, moreThanTotal: false };
const body = (raw: { text: string | Buffer }) => (typeof raw.text === 'string' ? raw.text : raw.text.toString('utf8'));

describe('list envelopes written into one buffer', () => {
  it('text items: every document as stored, non-ASCII and extra members included', () => {
    const docs = ['{"_id":"a","description":"Zoë signed in from Köln — ✓"}', '{}', '{"_id":"c","n":[1,2,{"x":"\\u0000"}]}'];
    const extra = `,"nextQueryFilters":${JSON.stringify({ user: { eq: 'jürgen@contoso.com' }, date: { lte: 5 } })}`;
    const out = body(envelopeText(page, 100, docs, extra));
    expect(out).toBe(`{"data":[${docs.join(',')}],"hasNext":true,"max":100,"total":3,"moreThanTotal":false${extra}}`);
    expect(JSON.parse(out).nextQueryFilters.user.eq).toBe('jürgen@contoso.com');
  });

  it('spliced items: members before the closing brace, bytes and text alike, empty list', () => {
    const items = [
      { doc: Buffer.from('{"_id":"é1"}'), members: '"status":{"id":0}' },
      { doc: '{"_id":"2"}', members: '"x":"ü"' },
      { doc: '{}', members: '"y":1' },
      { doc: '{"_id":"4"}', members: '' },
    ];
    expect(JSON.parse(body(envelopeBytes(page, 100, items))).data).toEqual([
      { _id: 'é1', status: { id: 0 } },
      { _id: '2', x: 'ü' },
      { y: 1 },
      { _id: '4' },
    ]);
    expect(body(envelopeText({ ...page, hasNext: false, total: 0 }, 100, []))).toBe(
      '{"data":[],"hasNext":false,"max":100,"total":0,"moreThanTotal":false}',
    );
  });
});
