// How route code reaches the rest of the server: through the services it is given, never the store itself,
// never the whole Services object, and only from the one list of route plugins in src/app.ts.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const src = new URL('../../src/', import.meta.url).pathname;

interface Rule {
  name: string;
  /** Folders under src/ whose .ts files are checked. */
  under: string[];
  pattern: RegExp;
  /** A line the pattern must catch, so a broken pattern cannot pass every file. */
  sample: string;
}

const RULES: Rule[] = [
  {
    name: 'goes to the store through services.db (give the read a query service in buildServices)',
    under: ['modules'],
    // The same text as `git grep -n "services\.db" -- packages/server/src/modules`.
    pattern: /services\.db/,
    sample: 'const row = await findMessage(services.db, projectIdOf(request), id);',
  },
  {
    name: 'is typed with the whole Services (take only the services it uses)',
    under: ['modules', 'http', 'observability'],
    pattern: /:\s*Services\b/,
    sample: 'export function sendRoutes(services: Services): FastifyPluginAsyncTypebox {',
  },
  {
    name: 'registers a route plugin (src/app.ts registers every one)',
    under: ['modules', 'http', 'observability'],
    pattern: /\.register\(\s*\w+Routes\(/,
    sample: '    await app.register(dlqRoutes(services));',
  },
];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function offences(rule: Rule): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const folder of rule.under) {
    for (const file of tsFiles(join(src, folder))) {
      const lines = readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => `${i + 1}: ${line.trim()}`)
        .filter((line) => rule.pattern.test(line));
      if (lines.length > 0) found.set(relative(src, file), lines);
    }
  }
  return found;
}

describe('module boundaries', () => {
  it('finds the route files it checks', () => {
    const routeFiles = tsFiles(join(src, 'modules')).filter((file) => file.endsWith('routes.ts'));
    assert.ok(routeFiles.length >= 20, `only ${routeFiles.length} route files under src/modules`);
  });

  for (const rule of RULES) {
    it(`no file ${rule.name}`, () => {
      assert.ok(rule.pattern.test(rule.sample), `the pattern misses its own sample: ${rule.sample}`);
      const problems = [...offences(rule)].map(
        ([file, lines]) => `src/${file} ${rule.name}:\n${lines.join('\n')}`,
      );
      assert.deepEqual(problems, []);
    });
  }
});
