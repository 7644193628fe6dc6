import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ERROR_CODES } from '../../src/errors.js';

const doc = readFileSync(new URL('../../../../docs/ERRORS.md', import.meta.url), 'utf8');

describe('error registry', () => {
  it('docs/ERRORS.md lists exactly the registered codes, each with its status', () => {
    const documented = new Map<string, number>();
    for (const match of doc.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm))
      documented.set(match[1]!, Number(match[2]));
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      assert.equal(
        documented.get(code),
        status,
        `${code} (${status}) is missing from docs/ERRORS.md or has another status`,
      );
    }
    for (const code of documented.keys())
      assert.ok(code in ERROR_CODES, `docs/ERRORS.md lists ${code}, which does not exist`);
  });

  it('every code maps to a 4xx or 5xx status', () => {
    for (const [code, { status }] of Object.entries(ERROR_CODES))
      assert.ok(status >= 400 && status < 600, code);
  });
});
