// The server's OpenAPI document and the SDK types generated from it. Used by `npm run generate:types`
// (writes them) and by test/generated-types.test.ts (fails when the committed copies drift).
import { readFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
import { startInProcessServer } from '../../server/src/in-process.js';

export const DOCUMENT_PATH = new URL('../openapi.json', import.meta.url);
export const TYPES_PATH = new URL('../src/generated/openapi.ts', import.meta.url);

const HEADER = "// Generated from the server's /openapi.json by `npm run generate:types`. Do not edit.\n\n";

/** Starts the real server in this process and reads the document it serves. */
export async function serverDocument(): Promise<Record<string, unknown>> {
  const server = await startInProcessServer();
  try {
    const response = await fetch(`${server.url}/openapi.json`);
    if (!response.ok) throw new Error(`GET /openapi.json answered ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  } finally {
    await server.close();
  }
}

export function documentText(document: Record<string, unknown>): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

export async function typesText(document: Record<string, unknown>): Promise<string> {
  // biome-ignore lint/suspicious/noExplicitAny: openapi-typescript types its input as its own OpenAPI3 shape.
  const ast = await openapiTS(document as any, { alphabetize: true, defaultNonNullable: false });
  return HEADER + astToString(ast);
}

export function committed(path: URL): string {
  return readFileSync(path, 'utf8');
}
