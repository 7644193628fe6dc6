import { AppError } from '../../../errors.js';
import { sha256Hex } from '../../../lib/crypto.js';
import type { SecretBox } from '../../../lib/secret-box.js';
import { validateEndpointUrl } from '../../endpoints/validation.js';
import type { InboundSettings } from './store.js';
import type { UpdateInboundInput } from './schemas.js';
import { parseCidr } from '../ingest/verify-ip.js';

export const DEFAULT_SETTINGS: InboundSettings = {
  name: null,
  description: null,
  mode: 'forward',
  url: null,
  verify_static_token: false,
  token_header_name: null,
  token_query_param: null,
  token_value_hash: null,
  verify_hmac: false,
  hmac_header_name: null,
  hmac_secret: null,
  timestamp_header_name: null,
  timestamp_ttl_seconds: null,
  verify_ip_allowlist: false,
  allowed_cidrs: [],
  idempotency_header_names: [],
  ingest_response_code: 202,
  signing_enabled: false,
  active: true,
};

function invalid(message: string): never {
  throw new AppError('INVALID_REQUEST', message);
}

/**
 * `base` with the fields of `input` applied (absent = unchanged, null = cleared), secrets hashed or sealed,
 * and the result checked as a whole: a verification switched on must have what it needs, and forward mode
 * needs a URL that passes the same address rules as outbound endpoints.
 */
export async function applyInput(
  input: UpdateInboundInput,
  base: InboundSettings,
  context: { secretBox: SecretBox; allowPrivate: boolean },
): Promise<InboundSettings> {
  const pick = <K extends keyof InboundSettings & keyof UpdateInboundInput>(key: K) =>
    (input[key] === undefined ? base[key] : input[key]) as InboundSettings[K];
  const next: InboundSettings = {
    name: pick('name'),
    description: pick('description'),
    mode: pick('mode'),
    url: pick('url'),
    verify_static_token: pick('verify_static_token'),
    token_header_name: pick('token_header_name'),
    token_query_param: pick('token_query_param'),
    token_value_hash:
      input.token_value === undefined
        ? base.token_value_hash
        : input.token_value === null
          ? null
          : sha256Hex(input.token_value),
    verify_hmac: pick('verify_hmac'),
    hmac_header_name: pick('hmac_header_name'),
    hmac_secret:
      input.hmac_secret === undefined
        ? base.hmac_secret
        : input.hmac_secret === null
          ? null
          : context.secretBox.encrypt(input.hmac_secret),
    timestamp_header_name: pick('timestamp_header_name'),
    timestamp_ttl_seconds: pick('timestamp_ttl_seconds'),
    verify_ip_allowlist: pick('verify_ip_allowlist'),
    allowed_cidrs: input.allowed_cidrs?.map((cidr) => cidr.trim()) ?? base.allowed_cidrs,
    idempotency_header_names: pick('idempotency_header_names'),
    ingest_response_code: pick('ingest_response_code'),
    signing_enabled: pick('signing_enabled'),
    active: pick('active'),
  };
  checkVerification(next);
  if (next.mode === 'forward' && !next.url) invalid('url is required when mode is forward');
  if (input.url != null) await validateEndpointUrl(input.url, { allowPrivate: context.allowPrivate });
  return next;
}

function checkVerification(settings: InboundSettings): void {
  if (settings.verify_static_token) {
    if (!settings.token_value_hash) invalid('token_value is required when verify_static_token is true');
    if (!settings.token_header_name && !settings.token_query_param) {
      invalid('token_header_name or token_query_param is required when verify_static_token is true');
    }
  }
  if (settings.verify_hmac) {
    if (!settings.hmac_secret) invalid('hmac_secret is required when verify_hmac is true');
    if (!settings.hmac_header_name) invalid('hmac_header_name is required when verify_hmac is true');
  }
  for (const cidr of settings.allowed_cidrs) {
    if (!parseCidr(cidr)) invalid(`allowed_cidrs: '${cidr.slice(0, 64)}' is not an IPv4 or IPv6 CIDR`);
  }
  if (settings.verify_ip_allowlist && settings.allowed_cidrs.length === 0) {
    invalid('allowed_cidrs must list at least one CIDR when verify_ip_allowlist is true');
  }
}
