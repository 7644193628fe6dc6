// Loads the built @hookbridge/sdk/webhooks into a bare V8 context that has only Web Crypto and the text
// codecs (no process, no require, no Node built-ins) and whose module linker refuses every import that
// is not a sibling file. Reads {body, headers, secret} as JSON on stdin; prints what each verifier did.
// Run with --experimental-vm-modules.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const dir = new URL('../dist/webhooks/', import.meta.url);
const context = vm.createContext({ crypto: globalThis.crypto, TextEncoder, TextDecoder });
const modules = new Map();

function load(file) {
  if (!modules.has(file)) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    modules.set(file, new vm.SourceTextModule(source, { context, identifier: file }));
  }
  return modules.get(file);
}

const root = load('index.js');
await root.link((specifier) => {
  if (!/^\.\/[\w-]+\.js$/.test(specifier)) throw new Error(`the webhooks entry imports ${specifier}`);
  return load(specifier.slice(2));
});
await root.evaluate();
const { verify, verifyAsync } = root.namespace;

const input = JSON.parse(readFileSync(0, 'utf8'));
const outcome = async (run) => {
  try {
    const result = await run();
    return { ok: true, payload: result.payload, id: result.id };
  } catch (error) {
    return { ok: false, name: error.name, reason: error.reason };
  }
};
const out = {
  hasProcess: vm.runInContext('typeof process', context),
  async: await outcome(() => verifyAsync(input.body, input.headers, input.secret)),
  asyncWrongSecret: await outcome(() => verifyAsync(input.body, input.headers, `${input.secret}x`)),
  sync: await outcome(() => verify(input.body, input.headers, input.secret)),
};
process.stdout.write(JSON.stringify(out));
