import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { webhookFrame } from '../../src/modules/inbound/listen/frames.js';
import type { StreamMessage } from '../../src/modules/inbound/listen/store.js';

const base: StreamMessage = {
  id: '01935abc-def0-7123-8567-890abcdef012',
  endpoint_id: '01935abc-def0-7123-8567-890abcdef000',
  content_type: 'application/json',
  headers: { 'Stripe-Signature': 't=1,v1=abc' },
  payload: Buffer.from('{"b": 1,  "a":[1.50]}'),
  size_bytes: 21,
  replay_count: 0,
  created_at: new Date('2026-03-21T10:30:00.123Z'),
  request_method: 'PUT',
  path_suffix: '/events/x%20y',
  query_string: 'a=1&b=%2F',
};

describe('CLI webhook frames', () => {
  it('inlines a JSON body with its exact original text', () => {
    const frame = webhookFrame(base);
    assert.equal(
      frame,
      '{"type":"webhook","message_id":"01935abc-def0-7123-8567-890abcdef012","content_type":"application/json",' +
        '"headers":{"Stripe-Signature":"t=1,v1=abc"},"body":{"b": 1,  "a":[1.50]},"size_bytes":21,' +
        '"received_at":"2026-03-21T10:30:00Z","method":"PUT","path_suffix":"/events/x%20y","query":"a=1&b=%2F"}',
    );
    assert.deepEqual(JSON.parse(frame).body, { b: 1, a: [1.5] });
  });

  it('sends anything else as base64: binary, non-JSON types, invalid JSON, padded JSON', () => {
    const cases: Array<Partial<StreamMessage>> = [
      { content_type: 'application/octet-stream', payload: Buffer.from([0, 255, 1, 128]) },
      { content_type: 'text/plain', payload: Buffer.from('{"a":1}') },
      { content_type: 'application/json', payload: Buffer.from('{"a":') },
      { content_type: 'application/json', payload: Buffer.from(' {"a":1}\n') },
      { content_type: 'application/json', payload: Buffer.from([0x7b, 0xff, 0x7d]) },
      { content_type: null, payload: Buffer.from('') },
    ];
    for (const change of cases) {
      const message = { ...base, ...change };
      const frame = JSON.parse(webhookFrame(message));
      assert.equal(frame.body_encoding, 'base64');
      assert.deepEqual(Buffer.from(frame.body, 'base64'), Buffer.from(message.payload!));
      assert.equal(frame.content_type, message.content_type ?? '');
    }
  });

  it('inlines +json types, omits type for polling rows and body when the payload is gone', () => {
    const vendor = JSON.parse(
      webhookFrame({ ...base, content_type: 'application/vnd.api+json; charset=utf-8' }),
    );
    assert.equal(vendor.body_encoding, undefined);
    const row = JSON.parse(webhookFrame({ ...base, payload: null }, false));
    assert.equal(row.type, undefined);
    assert.equal('body' in row, false);
    assert.equal(row.message_id, base.id);
  });
});
