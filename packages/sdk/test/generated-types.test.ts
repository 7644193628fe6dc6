// The committed OpenAPI copy and the types generated from it match what the server serves now. When a
// route's schema changes, this fails until `npm run generate:types` is run and its output committed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  committed,
  DOCUMENT_PATH,
  documentText,
  serverDocument,
  TYPES_PATH,
  typesText,
} from '../scripts/openapi.js';

describe('generated types', () => {
  it('match the server’s /openapi.json (run `npm run generate:types -w @hookbridge/sdk` if not)', async () => {
    const document = await serverDocument();
    assert.equal(committed(DOCUMENT_PATH), documentText(document), 'packages/sdk/openapi.json is stale');
    assert.equal(
      committed(TYPES_PATH),
      await typesText(document),
      'packages/sdk/src/generated/openapi.ts is stale',
    );
  });
});
