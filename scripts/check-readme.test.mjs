// The README checker's own rules (node --test scripts/check-readme.test.mjs; CI runs it).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compare, parseBlocks } from './check-readme.mjs';

const FENCE = '```';

describe('parseBlocks', () => {
  it('reads language, directive and the JSON answer that directly follows a command block', () => {
    const blocks = parseBlocks(
      [
        '<!-- readme-check: skip (needs PostgreSQL) -->',
        `${FENCE}sh`,
        'DATABASE_URL=… npx hookbridge start',
        FENCE,
        '',
        `${FENCE}sh`,
        'curl -s $HB/v1/api-keys',
        FENCE,
        '',
        `${FENCE}json`,
        '{"data": []}',
        FENCE,
        'prose between',
        `${FENCE}sh`,
        'curl -s $HB/v1/projects',
        FENCE,
        'prose',
        `${FENCE}json`,
        '{}',
        FENCE,
      ].join('\n'),
    );
    assert.deepEqual(
      blocks.map((b) => [b.lang, b.directive?.name ?? null, b.answer ? b.answer.text : null]),
      [
        ['sh', 'skip', null],
        ['sh', null, '{"data": []}'],
        ['json', null, null],
        ['sh', null, null],
        ['json', null, null],
      ],
    );
    assert.equal(blocks[0].directive.arg, '(needs PostgreSQL)');
  });
});

describe('compare', () => {
  const check = (shown, real) => {
    const learned = new Map();
    const problems = [];
    compare(shown, real, 'answer', learned, problems);
    return { learned, problems };
  };

  it('accepts generated values of the same form and learns ids, not times', () => {
    const { learned, problems } = check(
      { id: 'ep_01a21c3581e574bd829593ef4227a143', at: '2026-11-27T09:00:00Z', status: 'queued' },
      { id: 'ep_99999999999999999999999999999999', at: '2026-12-01T10:00:00Z', status: 'queued', extra: 1 },
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(
      [...learned],
      [['ep_01a21c3581e574bd829593ef4227a143', 'ep_99999999999999999999999999999999']],
    );
  });

  it('refuses a different literal, a missing key, another type, and a wrong prefix before …', () => {
    const { problems } = check(
      { status: 'queued', name: 'Shop', count: 1, secret: 'whsec_…', gone: true },
      { status: 'succeeded', name: 'Shop', count: '1', secret: 'sk_abc' },
    );
    assert.equal(problems.length, 4, problems.join('\n'));
  });

  it('compares hints, secrets and tokens by length, and … stands for anything', () => {
    assert.deepEqual(
      check({ key_hint: '4Xz9', request_id: '…' }, { key_hint: 'ILZH', request_id: 'x' }).problems,
      [],
    );
    assert.equal(check({ key_hint: '…4Xz9' }, { key_hint: 'ILZH' }).problems.length, 1);
  });
});
