#!/usr/bin/env node
// The `hookbridge` bin. npm links bins when it installs, before any build has run, so the bin is this
// committed file and the compiled program is imported from dist/ when the command is run.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('hookbridge: not built yet (no packages/server/dist); run `npm run build` in the repository');
  process.exit(1);
}
await import(main.href);
