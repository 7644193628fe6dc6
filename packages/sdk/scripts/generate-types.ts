// Regenerates openapi.json and src/generated/openapi.ts from the server in this repository.
import { writeFileSync } from 'node:fs';
import { DOCUMENT_PATH, TYPES_PATH, documentText, serverDocument, typesText } from './openapi.js';

const document = await serverDocument();
writeFileSync(DOCUMENT_PATH, documentText(document));
writeFileSync(TYPES_PATH, await typesText(document));
console.log('wrote openapi.json and src/generated/openapi.ts');
