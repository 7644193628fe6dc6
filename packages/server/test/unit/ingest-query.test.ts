import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withoutParam } from '../../src/modules/inbound/ingest/service.js';

describe('the stored query of an ingest', () => {
  it('drops every pair of the static token parameter, however its name is encoded, and keeps the rest verbatim', () => {
    assert.equal(withoutParam('a=1&token=s&b=%2F&token=t&c', 'token'), 'a=1&b=%2F&c');
    assert.equal(withoutParam('tok%65n=s&x=1', 'token'), 'x=1');
    assert.equal(withoutParam('my+token=s&my%20token=t&y', 'my token'), 'y');
    assert.equal(withoutParam('token', 'token'), '');
    assert.equal(withoutParam('%zz=1&token=s', 'token'), '%zz=1', 'a malformed name is kept, not fatal');
  });

  it('keeps the query as sent when the endpoint has no token parameter', () => {
    assert.equal(withoutParam('token=s&a=%20', null), 'token=s&a=%20');
    assert.equal(withoutParam('', 'token'), '');
  });
});
