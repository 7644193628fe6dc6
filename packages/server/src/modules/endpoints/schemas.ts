import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { Timestamp } from '../../http/envelope.js';
import { toRfc3339 } from '../../lib/time.js';
import { MAX_CUSTOM_HEADERS, validateCustomHeaders } from './headers.js';
import type { EndpointRow } from './store.js';
import { URL_MAX_LENGTH, URL_MIN_LENGTH, validateEndpointUrl } from './validation.js';

export const TAGS = ['Endpoints'];

const Url = Type.String({
  minLength: URL_MIN_LENGTH,
  maxLength: URL_MAX_LENGTH,
  description: 'https:// URL of a publicly reachable receiver; private and internal addresses are refused',
});
const Description = Type.Union([Type.String({ maxLength: 500 }), Type.Null()]);
const RateLimitRps = Type.Integer({
  minimum: 0,
  maximum: 1000,
  description: 'Deliveries per second; 0 = none',
});
const Burst = Type.Integer({
  minimum: 0,
  maximum: 10000,
  description: 'Token bucket size; 0 with a rate limit means "same as rate_limit_rps"',
});
const Headers = Type.Record(Type.String(), Type.String(), {
  maxProperties: MAX_CUSTOM_HEADERS,
  description: 'Custom headers added to every delivery (at most 50, 8 KB in total)',
});
const HmacEnabled = Type.Boolean({ description: 'Sign deliveries (default true)' });

export const CreateEndpointBody = Type.Object({
  url: Url,
  description: Type.Optional(Description),
  rate_limit_rps: Type.Optional(RateLimitRps),
  burst: Type.Optional(Burst),
  headers: Type.Optional(Type.Union([Headers, Type.Null()])),
  hmac_enabled: Type.Optional(HmacEnabled),
});

export const UpdateEndpointBody = Type.Partial(CreateEndpointBody);

export const EndpointSummary = Type.Object({
  id: Type.String(),
  url: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  paused: Type.Boolean(),
  created_at: Timestamp,
});

const endpointFields = {
  id: Type.String({ description: 'ep_ + 32 hex' }),
  url: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  rate_limit_rps: Type.Integer(),
  burst: Type.Integer(),
  headers: Type.Record(Type.String(), Type.String()),
  hmac_enabled: Type.Boolean(),
  paused: Type.Boolean({ description: 'Messages are accepted but not delivered' }),
  created_at: Timestamp,
  updated_at: Timestamp,
};
export const Endpoint = Type.Object(endpointFields);
export const UpdatedEndpoint = Type.Object({ ...endpointFields, updated: Type.Boolean() });

export const CreatedEndpoint = Type.Object({
  id: Type.String(),
  url: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  signing_key_id: Type.String(),
  signing_secret: Type.String({ description: 'whsec_… — shown only in this response' }),
  key_hint: Type.String({ description: 'The last 4 characters of the secret' }),
  created_at: Timestamp,
});

export const SigningKey = Type.Object({
  id: Type.String({ description: 'sk_ + 32 hex' }),
  key_hint: Type.String(),
  created_at: Timestamp,
});

export const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  cursor: Type.Optional(Type.String({ description: 'meta.next_cursor of the previous page' })),
});
export const IdParams = Type.Object({ id: Type.String({ description: 'ep_ + 32 hex' }) });

export const ErrorRef = Type.Ref('ErrorEnvelope');

export function presentEndpoint(row: EndpointRow): Static<typeof Endpoint> {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    rate_limit_rps: row.rate_limit_rps,
    burst: row.burst,
    headers: row.headers,
    hmac_enabled: row.hmac_enabled,
    paused: row.paused,
    created_at: toRfc3339(row.created_at)!,
    updated_at: toRfc3339(row.updated_at)!,
  };
}

export function presentSummary(row: EndpointRow): Static<typeof EndpointSummary> {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    paused: row.paused,
    created_at: toRfc3339(row.created_at)!,
  };
}

/**
 * Routes that take an endpoint body validate with `attachValidation`, so a schema failure on `url` or
 * `headers` can be answered with the domain code (INVALID_ENDPOINT, INVALID_HEADERS) and a precise message
 * from the same checks the service runs; any other failure is rethrown as the usual INVALID_REQUEST.
 */
export async function rejectInvalidBody(request: FastifyRequest, allowPrivate: boolean): Promise<void> {
  const error = request.validationError;
  if (!error) return;
  const { validation, validationContext } = error as {
    validation?: Array<{ instancePath: string }>;
    validationContext?: string;
  };
  const path = validationContext === 'body' ? validation?.[0]?.instancePath : undefined;
  const body = request.body as Record<string, unknown> | undefined;
  if (body && path === '/url') await validateEndpointUrl(body.url, { allowPrivate });
  if (body && (path === '/headers' || path?.startsWith('/headers/'))) validateCustomHeaders(body.headers);
  throw error;
}
