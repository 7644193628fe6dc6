/**
 * Summarises a V8 CPU profile (from `--cpu-prof`, e.g. BENCH_CPU_PROF=1 npm run bench):
 * self time by package / source file and the hottest functions.
 *
 *   node --import tsx bench/profile-summary.ts bench/results/profiles/hookbridge-….cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const totalUs = profile.endTime - profile.startTime;

function group(url: string, name: string): string {
  if (name === '(idle)') return '(idle)';
  if (name === '(garbage collector)') return '(garbage collector)';
  if (name === '(program)') return '(program: native, not attributed)';
  if (!url) return `(native: ${name || 'anonymous'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm:${pkg[1]}`;
  if (url.startsWith('node:')) return url;
  const src = /packages\/server\/(src\/.*)$/.exec(url);
  if (src) return src[1]!;
  return url;
}

const groups = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  const g = group(url, functionName);
  groups.set(g, (groups.get(g) ?? 0) + us);
  const key = `${functionName || '(anonymous)'}  ${g}:${lineNumber + 1}`;
  functions.set(key, (functions.get(key) ?? 0) + us);
}

const pct = (us: number) => `${((us / totalUs) * 100).toFixed(1).padStart(5)} %`;
const ms = (us: number) => `${Math.round(us / 1000)} ms`.padStart(9);
console.log(`${file}: ${Math.round(totalUs / 1000)} ms profiled\n\nself time by package / file:`);
for (const [g, us] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`  ${pct(us)} ${ms(us)}  ${g}`);
}
console.log('\nhottest functions (self time):');
for (const [f, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`  ${pct(us)} ${ms(us)}  ${f}`);
}
