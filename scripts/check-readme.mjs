#!/usr/bin/env node
// Runs every command block of README.md as printed, in order, against a HookBridge server of its own (the
// built one, on a free port, on a fresh embedded store), and checks the answers the README shows.
//
// How a README block is treated (see "Writing README examples" in docs/ARCHITECTURE.md):
// - ```sh / ```bash / ```shell blocks run in bash, one after the other, in a scratch directory. They see
//   HB (the server), KEY (the live key its first start printed), HOOKBRIDGE_ADMIN_TOKEN and
//   HOOKBRIDGE_METRICS_TOKEN; a variable a block sets is seen by the blocks after it.
// - Every curl call must reach the server and answer neither a 5xx nor 401, 404 or 405 (the examples name
//   routes and things that exist). `http://127.0.0.1:8080` in a block means the started server.
// - A ```json block right after a command block is the answer its last curl call must give: the same
//   keys with values of the same type; strings equal, except generated ones (ids, keys, secrets, times:
//   any value of the same form) and "…", which stands for anything ("sk_…": anything starting "sk_").
//   A generated value shown there (an id, say) is replaced by the real one in every later block, so
//   examples can use the ids the README's earlier answers show.
// - `<!-- readme-check: skip <reason> -->` on the line before a block: not run (say why).
// - `<!-- readme-check: env NAME=value … -->` before a block: variables for it (values may be README ids).
// - `<!-- readme-check: first-start-output -->` before a ```text block: lines the server's first start
//   prints ("…" stands for anything, the port and the data directory may differ).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const readmePath = process.argv[2] ?? join(root, 'README.md');
const RUN_LANGS = new Set(['sh', 'bash', 'shell']);
const BLOCK_TIMEOUT_MS = 60_000;
const ADMIN_TOKEN = 'readme-check-admin-token-0123456789';
const METRICS_TOKEN = 'readme-check-metrics-token-0123456789';

/** Fenced blocks with their language, the directive before them and their line number. */
export function parseBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^(\s*)(`{3,})\s*([\w-]*)(.*)$/);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const body = [];
    let j = i + 1;
    while (j < lines.length && !lines[j].startsWith(`${indent}${fence}`))
      body.push(lines[j++].slice(indent.length));
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    const directive = k >= 0 ? lines[k].match(/^<!--\s*readme-check:\s*([\w-]+)\s*(.*?)\s*-->$/) : null;
    blocks.push({
      line: i + 1,
      lang: lang.toLowerCase(),
      text: body.join('\n'),
      directive: directive ? { name: directive[1], arg: directive[2] } : null,
      // Only blank lines between this block's end and the next fence: that block is this one's answer.
      endLine: j,
    });
    i = j;
  }
  for (let b = 0; b < blocks.length - 1; b++) {
    const between = lines.slice(blocks[b].endLine + 1, blocks[b + 1].line - 1);
    blocks[b].answer =
      between.every((l) => l.trim() === '') && blocks[b + 1].lang === 'json' ? blocks[b + 1] : null;
  }
  return blocks;
}

const GENERATED = [
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, // UUID
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/, // RFC 3339
  /^hb_(live|test)_[a-z0-9]+$/, // API keys and their prefixes
  /^[a-z]+_[0-9a-zA-Z]{16,}$/, // prefixed ids and secrets: key_…, ep_…, req_…, whsec_…
  /^https?:\/\/127\.0\.0\.1:\d+\//, // links built from the server's address
  /^[0-9a-f]{32}$/, // tokens
];
// Fields whose values are random however they look (a key hint is four random characters): same length.
const RANDOM_FIELDS = /(^|_)(hint|secret|token)$/;

function form(value) {
  return GENERATED.findIndex((re) => re.test(value));
}

/** Compares a shown answer with the real one; learns shown → real for generated values. */
export function compare(shown, real, path, learned, problems) {
  const type = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (type(shown) !== type(real)) {
    problems.push(
      `${path}: README shows ${JSON.stringify(shown)}, the server answered ${JSON.stringify(real)}`,
    );
    return;
  }
  if (type(shown) === 'object') {
    for (const key of Object.keys(shown)) {
      if (!(key in real)) problems.push(`${path}.${key}: shown in the README, missing from the answer`);
      else compare(shown[key], real[key], `${path}.${key}`, learned, problems);
    }
  } else if (type(shown) === 'array') {
    if (shown.length > 0 && real.length === 0)
      problems.push(`${path}: README shows items, the answer has none`);
    else if (shown.length > 0) compare(shown[0], real[0], `${path}[0]`, learned, problems);
  } else if (type(shown) === 'string' && shown !== real) {
    if (shown.includes('…')) {
      const [head, ...rest] = shown.split('…');
      const tail = rest.at(-1);
      if (!real.startsWith(head) || !(tail === '' || real.endsWith(tail) || form(tail) !== -1)) {
        problems.push(`${path}: README shows "${shown}", the server answered "${real}"`);
      }
    } else if (form(shown) === -1 && RANDOM_FIELDS.test(path.split('.').at(-1))) {
      if (shown.length !== real.length)
        problems.push(`${path}: README shows "${shown}", the server answered "${real}"`);
    } else if (form(shown) === -1 || form(shown) !== form(real)) {
      problems.push(`${path}: README shows "${shown}", the server answered "${real}"`);
    } else if (form(shown) !== 1) {
      learned.set(shown, real);
    }
  }
}

function substitute(text, learned) {
  let out = text;
  // Longest first, so a value that contains another is replaced whole.
  for (const [shown, real] of [...learned].sort((a, b) => b[0].length - a[0].length))
    out = out.split(shown).join(real);
  return out;
}

const PRELUDE = String.raw`
set -a
curl() {
  local n
  n=$(( $(cat "$READMECHECK_DIR/count") + 1 ))
  echo "$n" > "$READMECHECK_DIR/count"
  printf '%s\n' "$*" > "$READMECHECK_DIR/call-$n.args"
  command curl --write-out '\n@@readme-check@@%{http_code}' "$@" > "$READMECHECK_DIR/call-$n.raw"
  local rc=$?
  sed '$d' "$READMECHECK_DIR/call-$n.raw" > "$READMECHECK_DIR/call-$n.body"
  tail -n 1 "$READMECHECK_DIR/call-$n.raw" | sed 's/^@@readme-check@@//' > "$READMECHECK_DIR/call-$n.status"
  cat "$READMECHECK_DIR/call-$n.body"
  return $rc
}
`;

function runBlock(script, env, dir) {
  const state = join(dir, 'state');
  const file = join(dir, 'block.sh');
  writeFileSync(file, `${PRELUDE}\n${script}\n__rc=$?\nenv -0 > ${JSON.stringify(state)}\nexit $__rc\n`);
  const result = spawnSync('bash', [file], {
    cwd: join(dir, 'cwd'),
    env,
    encoding: 'utf8',
    timeout: BLOCK_TIMEOUT_MS,
  });
  let nextEnv = env;
  try {
    nextEnv = Object.fromEntries(
      readFileSync(state, 'utf8')
        .split('\0')
        .filter(Boolean)
        .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
    );
  } catch {}
  return { result, nextEnv };
}

function calls(dir, from, to) {
  const out = [];
  for (let n = from + 1; n <= to; n++) {
    out.push({
      args: readFileSync(join(dir, `call-${n}.args`), 'utf8').trim(),
      status: Number(readFileSync(join(dir, `call-${n}.status`), 'utf8').trim()),
      body: readFileSync(join(dir, `call-${n}.body`), 'utf8'),
    });
  }
  return out;
}

async function startServer(dir) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      join(root, 'scripts/readme-check/example-hosts.mjs'),
      join(root, 'packages/server/bin/hookbridge.js'),
      'start',
      '--port',
      '0',
      '--data-dir',
      join(dir, 'data'),
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        HOOKBRIDGE_LOG_LEVEL: 'warn',
        HOOKBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN,
        HOOKBRIDGE_METRICS_TOKEN: METRICS_TOKEN,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 180_000;
  while (!/Try: curl/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the server did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const url = output.match(/listening on (http:\/\/\S+)/)[1];
  const key = output.match(/hb_live_[a-z0-9]{32}/)[0];
  return { child, url, key, output };
}

function checkFirstStart(block, output) {
  const problems = [];
  for (const line of block.text.split('\n').filter((l) => l.trim() !== '')) {
    const pattern = line
      .trim()
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(/…/g, '.*')
      .replace('http://127\\.0\\.0\\.1:8080', 'http://127\\.0\\.0\\.1:\\d+')
      .replace('/path/to/\\.hookbridge', '\\S+');
    if (!new RegExp(pattern).test(output))
      problems.push(`the first start printed no line like "${line.trim()}"`);
  }
  return problems;
}

async function main() {
  const blocks = parseBlocks(readFileSync(readmePath, 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'hookbridge-readme-'));
  mkdirSync(join(dir, 'cwd'));
  writeFileSync(join(dir, 'count'), '0');
  const server = await startServer(dir);
  let env = {
    PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}`,
    HOME: process.env.HOME,
    READMECHECK_DIR: dir,
    HB: server.url,
    KEY: server.key,
    HOOKBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN,
    HOOKBRIDGE_METRICS_TOKEN: METRICS_TOKEN,
  };
  const learned = new Map([['http://127.0.0.1:8080', server.url]]);
  let failures = 0;
  let ran = 0;
  const report = (block, problems, note = '') => {
    if (problems.length === 0) {
      console.log(`ok   README.md:${block.line}${note}`);
      return;
    }
    failures++;
    console.log(`FAIL README.md:${block.line}${note}`);
    for (const problem of problems) console.log(`       ${problem}`);
  };
  try {
    for (const block of blocks) {
      if (block.directive?.name === 'first-start-output') {
        report(block, checkFirstStart(block, server.output), ' (first-start output)');
        continue;
      }
      if (!RUN_LANGS.has(block.lang)) continue;
      if (block.directive?.name === 'skip') {
        console.log(`skip README.md:${block.line} ${block.directive.arg}`);
        continue;
      }
      const blockEnv = { ...env };
      if (block.directive?.name === 'env') {
        for (const pair of substitute(block.directive.arg, learned).split(/\s+/).filter(Boolean)) {
          const eq = pair.indexOf('=');
          blockEnv[pair.slice(0, eq)] = pair.slice(eq + 1);
        }
      }
      const before = Number(readFileSync(join(dir, 'count'), 'utf8'));
      const { result, nextEnv } = runBlock(substitute(block.text, learned), blockEnv, dir);
      env = { ...nextEnv, READMECHECK_DIR: dir };
      ran++;
      const problems = [];
      if (result.error) problems.push(`did not finish: ${result.error.message}`);
      else if (result.status !== 0)
        problems.push(`exited ${result.status}: ${(result.stderr || result.stdout).trim().slice(0, 500)}`);
      const made = calls(dir, before, Number(readFileSync(join(dir, 'count'), 'utf8')));
      for (const call of made) {
        // The README's examples name things that exist: a 404 or 405 means the example is wrong.
        if (call.status === 0 || call.status >= 500 || [401, 404, 405].includes(call.status)) {
          const args = call.args.replace(/hb_(live|test)_[a-z0-9]{32}/g, 'hb_$1_…');
          problems.push(`curl ${args} answered ${call.status || 'nothing'}: ${call.body.slice(0, 300)}`);
        }
      }
      if (block.answer) {
        const last = made.at(-1);
        let real;
        try {
          real = JSON.parse(last?.body ?? '');
        } catch {
          problems.push(
            `the README shows a JSON answer; the last call answered ${JSON.stringify(last?.body ?? 'nothing')}`,
          );
        }
        if (real !== undefined) compare(JSON.parse(block.answer.text), real, 'answer', learned, problems);
      }
      report(block, problems);
    }
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`check-readme: ${ran} command blocks run, ${failures} failed`);
  process.exit(failures === 0 ? 0 : 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`check-readme: ${error.stack ?? error}`);
    process.exit(1);
  });
}
