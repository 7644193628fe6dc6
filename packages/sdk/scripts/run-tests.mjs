#!/usr/bin/env node
// Runs every test file under test/ (arguments filter by substring of the path); see the shared runner.
import { runPackageTests } from '../../../scripts/run-package-tests.mjs';

runPackageTests(new URL('..', import.meta.url).pathname, process.argv.slice(2));
