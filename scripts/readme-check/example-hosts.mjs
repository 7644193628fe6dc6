// Loaded (node --import) only into the server that scripts/check-readme.mjs starts. The README's examples
// use example.com hosts, which CI machines may not be able to resolve (no DNS): they resolve here to
// example.com's public address, so the endpoint checks run as they would for a user. Deliveries to it are
// attempted and fail or time out; the README's answers do not depend on them.
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';

const ADDRESS = '93.184.215.14';
const isExample = (host) => host === 'example.com' || String(host).endsWith('.example.com');

const lookup = dns.lookup;
dns.lookup = function exampleLookup(host, options, callback) {
  const done = typeof options === 'function' ? options : callback;
  const opts = typeof options === 'object' && options !== null ? options : {};
  if (!isExample(host)) return lookup.call(dns, host, options, callback);
  process.nextTick(() => (opts.all ? done(null, [{ address: ADDRESS, family: 4 }]) : done(null, ADDRESS, 4)));
  return undefined;
};
const promisesLookup = dns.promises.lookup;
dns.promises.lookup = async (host, options) => {
  if (!isExample(host)) return promisesLookup.call(dns.promises, host, options);
  return options?.all ? [{ address: ADDRESS, family: 4 }] : { address: ADDRESS, family: 4 };
};
syncBuiltinESMExports();
