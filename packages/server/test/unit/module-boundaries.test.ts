// How route code reaches the rest of the server: through the services it is given, never the store itself,
// never the whole Services object, and only from the one list of route plugins in src/app.ts.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const src = new URL('../../src/', import.meta.url).pathname;

interface Rule {
  /** How PENDING names the rule. */
  key: 'services.db' | 'Services' | 'registers';
  name: string;
  /** Folders under src/ whose .ts files are checked. */
  under: string[];
  pattern: RegExp;
  /** A line the pattern must catch, so a broken pattern cannot pass every file. */
  sample: string;
}

const RULES: Rule[] = [
  {
    key: 'services.db',
    name: 'goes to the store through services.db (give the read a query service in buildServices)',
    under: ['modules'],
    // The same text as `git grep -n "services\.db" -- packages/server/src/modules`.
    pattern: /services\.db/,
    sample: 'const row = await findMessage(services.db, projectIdOf(request), id);',
  },
  {
    key: 'Services',
    name: 'is typed with the whole Services (take only the services it uses)',
    under: ['modules', 'http', 'observability'],
    pattern: /:\s*Services\b/,
    sample: 'export function sendRoutes(services: Services): FastifyPluginAsyncTypebox {',
  },
  {
    key: 'registers',
    name: 'registers a route plugin (src/app.ts registers every one)',
    under: ['modules', 'http', 'observability'],
    pattern: /\.register\(\s*\w+Routes\(/,
    sample: '    await app.register(dlqRoutes(services));',
  },
];

/**
 * Files of the inbound side, which is being regrouped under modules/inbound/ separately; each is excused
 * from the rules it breaks today. An entry that no longer breaks its rule fails the test: delete it.
 */
const PENDING: Record<string, Array<Rule['key']>> = {
  'modules/inbound/endpoint-routes.ts': ['Services'],
  'modules/inbound/ingest-routes.ts': ['Services'],
  'modules/inbound/routes.ts': ['Services', 'registers'],
  'modules/inbound/signing-key-routes.ts': ['Services'],
  'modules/inbound-logs/routes.ts': ['services.db', 'Services'],
  'modules/inbound-messages/read-side.ts': ['Services', 'registers'],
  'modules/inbound-messages/routes.ts': ['services.db', 'Services'],
  'modules/inbound-metrics/routes.ts': ['Services'],
  'modules/inbound-rejections/routes.ts': ['services.db', 'Services'],
  'modules/pull/routes.ts': ['Services'],
  'modules/stream/endpoint.ts': ['Services'],
  'modules/stream/listen-poll.ts': ['services.db', 'Services'],
  'modules/stream/listen-socket.ts': ['services.db', 'Services'],
  'modules/stream/routes.ts': ['services.db', 'Services', 'registers'],
};

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
      const { key } = rule;
      const found = offences(rule);
      const problems: string[] = [];
      for (const [file, lines] of found) {
        if (!PENDING[file]?.includes(key)) problems.push(`src/${file} ${rule.name}:\n${lines.join('\n')}`);
      }
      for (const [file, keys] of Object.entries(PENDING)) {
        if (keys.includes(key) && !found.has(file)) {
          problems.push(`src/${file} no longer breaks this rule: delete its "${key}" from PENDING`);
        }
      }
      assert.deepEqual(problems, []);
    });
  }
});
