import { safeEqual, sha256Hex } from '../../../lib/crypto.js';

export interface StaticTokenRule {
  headerName: string | null;
  queryParam: string | null;
  /** SHA-256 hex of the configured token value. */
  valueHash: string;
}

/**
 * The static token check: the configured header, or else the configured query parameter, must carry the
 * token. Compared as hashes in constant time, so neither the stored form nor timing reveals the token.
 * `header` looks a header up by its lowercase name.
 */
export function checkStaticToken(
  rule: StaticTokenRule,
  header: (lowercaseName: string) => string | undefined,
  query: URLSearchParams,
): { ok: true } | { ok: false; detail: string } {
  const candidates: string[] = [];
  const fromHeader = rule.headerName ? header(rule.headerName.toLowerCase()) : undefined;
  if (fromHeader !== undefined) candidates.push(fromHeader);
  const fromQuery = rule.queryParam ? query.get(rule.queryParam) : null;
  if (fromQuery !== null) candidates.push(fromQuery);
  if (candidates.length === 0) return { ok: false, detail: `static token missing (${describe(rule)})` };
  // Every candidate is compared, matched or not, so timing does not tell which source was tried.
  let matched = false;
  for (const value of candidates) matched = safeEqual(sha256Hex(value), rule.valueHash) || matched;
  return matched ? { ok: true } : { ok: false, detail: `static token does not match (${describe(rule)})` };
}

function describe(rule: StaticTokenRule): string {
  const sources = [
    rule.headerName ? `header ${rule.headerName}` : null,
    rule.queryParam ? `query parameter ${rule.queryParam}` : null,
  ].filter(Boolean);
  return sources.join(' or ');
}
