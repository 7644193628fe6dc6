import { checkHost, isPublicAddress } from '../../delivery/address-guard.js';
import { AppError } from '../../errors.js';

export const URL_MIN_LENGTH = 12;
export const URL_MAX_LENGTH = 2048;

// The first thing a newcomer trying a receiver on localhost meets: say how development lifts the rule.
const PRIVATE_HINT =
  'for a development receiver, start the server with HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS=true';

function invalid(message: string): never {
  throw new AppError('INVALID_ENDPOINT', message);
}

/**
 * Checks an endpoint URL: shape first (INVALID_ENDPOINT), then where it points (ENDPOINT_BLOCKED for a
 * non-public address, ENDPOINT_UNREACHABLE when the name does not resolve). With `allowPrivate`, plain
 * http:// is accepted only for hosts that are entirely non-public (a dev receiver on loopback or a LAN),
 * so payloads never cross the internet unencrypted. Returns the URL unchanged: it is stored as sent.
 */
export async function validateEndpointUrl(url: unknown, options: { allowPrivate: boolean }): Promise<string> {
  if (typeof url !== 'string') invalid('url must be a string');
  if (url.length < URL_MIN_LENGTH || url.length > URL_MAX_LENGTH) {
    invalid(`url must be between ${URL_MIN_LENGTH} and ${URL_MAX_LENGTH} characters (got ${url.length})`);
  }
  // The URL parser would quietly strip or percent-encode these; refuse them instead.
  if (/[\s\p{Cc}]/u.test(url)) invalid('url must not contain whitespace or control characters');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    invalid('url is not a valid URL');
  }
  const scheme = parsed.protocol;
  if (scheme === 'http:' && !options.allowPrivate) {
    invalid(
      `url must start with https://; plain http:// is allowed only to private addresses (${PRIVATE_HINT})`,
    );
  }
  if (scheme !== 'https:' && scheme !== 'http:') invalid('url must start with https://');
  if (!/^https?:\/\//i.test(url)) invalid('url must start with https://');
  if (parsed.username || parsed.password) invalid('url must not contain credentials (user:password@)');
  if (parsed.hostname === '') invalid('url must name a host');

  const check = await checkHost(parsed.hostname, { allowPrivate: options.allowPrivate });
  if (!check.ok) {
    if (check.reason === 'blocked') {
      throw new AppError(
        'ENDPOINT_BLOCKED',
        `url points to a private or internal address: ${check.detail}; ${PRIVATE_HINT}`,
      );
    }
    throw new AppError('ENDPOINT_UNREACHABLE', `url host does not resolve: ${check.detail}`);
  }
  if (scheme === 'http:' && check.addresses.some(isPublicAddress)) {
    invalid('url must start with https://; plain http:// is allowed only for private network addresses');
  }
  return url;
}
