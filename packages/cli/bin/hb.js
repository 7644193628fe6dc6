#!/usr/bin/env node
// Committed so npm links `hb` at install, before any build; the command itself is compiled to dist/.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('Error: hb is not built yet — run `npm run build` in the repository first\n');
  process.exit(1);
}
await import(main.href);
