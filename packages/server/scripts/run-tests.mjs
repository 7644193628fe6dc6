#!/usr/bin/env node
// Runs every test file under test/ (arguments filter by substring of the path); see the shared runner.
import { join } from 'node:path';
import { runPackageTests } from '../../../scripts/run-package-tests.mjs';

// `--clients`: the tests running the official hb CLI and SDKs (test/clients/, `npm run test:clients`);
// they are left out of `npm test`, whose protocol-level tests cover the same paths without the clients.
const clients = process.argv.includes('--clients');
runPackageTests(
  new URL('..', import.meta.url).pathname,
  process.argv.slice(2).filter((arg) => arg !== '--clients'),
  (file) => file.startsWith(join('test', 'clients')) === clients,
);
