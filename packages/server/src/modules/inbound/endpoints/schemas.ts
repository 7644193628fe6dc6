import { type Static, type TObject, Type } from '@sinclair/typebox';
import { Timestamp } from '../../../http/envelope.js';
import { toRfc3339 } from '../../../lib/time.js';
import { URL_MAX_LENGTH, URL_MIN_LENGTH } from '../../endpoints/validation.js';
import type { InboundEndpointRow, InboundSettings } from './store.js';

export const TAGS = ['Inbound endpoints'];

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const HeaderName = Type.String({ minLength: 1, maxLength: 255, pattern: "^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$" });

const SettingsBody = Type.Object({
  name: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
  description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  mode: Type.Optional(
    Type.Union([Type.Literal('forward'), Type.Literal('cli')], { description: 'default forward' }),
  ),
  url: Type.Optional(
    Nullable(
      Type.String({
        minLength: URL_MIN_LENGTH,
        maxLength: URL_MAX_LENGTH,
        description: 'Where forward mode delivers (required for it); the same address rules as endpoints',
      }),
    ),
  ),
  verify_static_token: Type.Optional(Type.Boolean()),
  token_header_name: Type.Optional(Type.Union([HeaderName, Type.Null()])),
  token_query_param: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 255 }))),
  token_value: Type.Optional(
    Nullable(Type.String({ minLength: 1, maxLength: 1024, description: 'Stored hashed; never returned' })),
  ),
  verify_hmac: Type.Optional(Type.Boolean()),
  hmac_header_name: Type.Optional(Type.Union([HeaderName, Type.Null()])),
  hmac_secret: Type.Optional(
    Nullable(Type.String({ minLength: 1, maxLength: 1024, description: 'Stored encrypted; never returned' })),
  ),
  timestamp_header_name: Type.Optional(Type.Union([HeaderName, Type.Null()])),
  timestamp_ttl_seconds: Type.Optional(
    Type.Union([Type.Integer({ minimum: 1, maximum: 604800 }), Type.Null()], { description: 'default 300' }),
  ),
  verify_ip_allowlist: Type.Optional(Type.Boolean()),
  allowed_cidrs: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })),
  idempotency_header_names: Type.Optional(Type.Array(HeaderName, { maxItems: 10 })),
  ingest_response_code: Type.Optional(
    Type.Integer({ minimum: 200, maximum: 299, description: 'default 202' }),
  ),
  signing_enabled: Type.Optional(Type.Boolean()),
});

/** Only on create: an ephemeral endpoint, with its messages, goes away `ttl_minutes` after creation. */
const EphemeralFields = Type.Object({
  ephemeral: Type.Optional(Type.Boolean({ description: 'default false' })),
  ttl_minutes: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 1440, description: 'ephemeral only; default 60' }),
  ),
});
export const CreateInboundBody = Type.Composite([SettingsBody, EphemeralFields]);
export type CreateInboundInput = Static<typeof CreateInboundBody>;

export const UpdateInboundBody = Type.Composite([
  Type.Partial(SettingsBody),
  Type.Object({ active: Type.Optional(Type.Boolean()) }),
]);
export type UpdateInboundInput = Static<typeof UpdateInboundBody>;

const IngestUrl = Type.String({ description: 'The secret URL providers POST to' });
const ExpiresAt = Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
  description: 'When an ephemeral endpoint and its messages go away; null for the others',
});
const Mode = Type.Union([Type.Literal('forward'), Type.Literal('cli')]);

export const InboundSummary = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  url: Type.String(),
  mode: Mode,
  active: Type.Boolean(),
  paused: Type.Boolean(),
  ephemeral: Type.Boolean(),
  expires_at: ExpiresAt,
  created_at: Timestamp,
  ingest_url: Type.Optional(IngestUrl),
  receive_url: Type.Optional(Type.String({ description: 'Same as ingest_url (older CLI field name)' })),
});

/** How an inbound or a pull endpoint shows its verification settings (never the secrets). */
export const verificationFields = {
  verify_static_token: Type.Boolean(),
  token_header_name: Type.Union([Type.String(), Type.Null()]),
  token_query_param: Type.Union([Type.String(), Type.Null()]),
  verify_hmac: Type.Boolean(),
  hmac_header_name: Type.Union([Type.String(), Type.Null()]),
  timestamp_header_name: Type.Union([Type.String(), Type.Null()]),
  timestamp_ttl_seconds: Type.Union([Type.Integer(), Type.Null()]),
  verify_ip_allowlist: Type.Boolean(),
  allowed_cidrs: Type.Array(Type.String()),
  ingest_response_code: Type.Integer(),
  idempotency_header_names: Type.Array(Type.String()),
};

const inboundFields = {
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  url: Type.String(),
  mode: Mode,
  ephemeral: Type.Boolean(),
  expires_at: ExpiresAt,
  active: Type.Boolean(),
  paused: Type.Boolean(),
  ...verificationFields,
  signing_enabled: Type.Boolean(),
  ingest_url: Type.Union([IngestUrl, Type.Null()]),
  receive_url: Type.Union([Type.String(), Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
};
export const InboundEndpoint = Type.Object(inboundFields);

const NewSigningKey = {
  signing_key_id: Type.Optional(Type.String()),
  signing_secret: Type.Optional(Type.String({ description: 'whsec_… — shown only in this response' })),
  key_hint: Type.Optional(Type.String()),
};
export const UpdatedInbound = Type.Object({ ...inboundFields, updated: Type.Boolean(), ...NewSigningKey });

export const CreatedInbound = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  url: Type.String(),
  mode: Mode,
  active: Type.Boolean(),
  ephemeral: Type.Boolean(),
  expires_at: ExpiresAt,
  ingest_url: IngestUrl,
  receive_url: Type.String(),
  secret_token: Type.String({
    description: '32 hex; shown only in this response (it is part of ingest_url)',
  }),
  created_at: Timestamp,
  ...NewSigningKey,
});

export const ListQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 100,
      description: 'Page size; without it the list holds every endpoint (the hb CLI never pages)',
    }),
  ),
  cursor: Type.Optional(Type.String({ description: 'meta.next_cursor of the previous page' })),
});
export const IdParams = Type.Object({ id: Type.String({ description: 'inbound endpoint id (UUID)' }) });
export const SigningKey = Type.Object({ id: Type.String(), key_hint: Type.String(), created_at: Timestamp });
export const ErrorRef = Type.Ref('ErrorEnvelope');

type VerificationSettings = Pick<InboundSettings, keyof typeof verificationFields>;

/** The fields of verificationFields, from an inbound or a pull endpoint's row. */
export function presentVerification(row: VerificationSettings): Static<TObject<typeof verificationFields>> {
  return {
    verify_static_token: row.verify_static_token,
    token_header_name: row.token_header_name,
    token_query_param: row.token_query_param,
    verify_hmac: row.verify_hmac,
    hmac_header_name: row.hmac_header_name,
    timestamp_header_name: row.timestamp_header_name,
    timestamp_ttl_seconds: row.timestamp_ttl_seconds,
    verify_ip_allowlist: row.verify_ip_allowlist,
    allowed_cidrs: row.allowed_cidrs,
    ingest_response_code: row.ingest_response_code,
    idempotency_header_names: row.idempotency_header_names,
  };
}

export function presentInbound(
  row: InboundEndpointRow,
  ingestUrl: string | null,
): Static<typeof InboundEndpoint> {
  return {
    id: row.id,
    name: row.name ?? '',
    description: row.description,
    url: row.url ?? '',
    mode: row.mode,
    ephemeral: row.ephemeral,
    expires_at: toRfc3339(row.expires_at),
    active: row.active,
    paused: row.paused,
    ...presentVerification(row),
    signing_enabled: row.signing_enabled,
    ingest_url: ingestUrl,
    receive_url: ingestUrl,
    created_at: toRfc3339(row.created_at)!,
    updated_at: toRfc3339(row.updated_at)!,
  };
}

/** List rows show the ingest URL only for cli-mode endpoints, which the hb CLI reads from the list. */
export function presentSummary(
  row: InboundEndpointRow,
  ingestUrl: string | null,
): Static<typeof InboundSummary> {
  const summary: Static<typeof InboundSummary> = {
    id: row.id,
    name: row.name ?? '',
    url: row.url ?? '',
    mode: row.mode,
    active: row.active,
    paused: row.paused,
    ephemeral: row.ephemeral,
    expires_at: toRfc3339(row.expires_at),
    created_at: toRfc3339(row.created_at)!,
  };
  if (row.mode === 'cli' && ingestUrl) return { ...summary, ingest_url: ingestUrl, receive_url: ingestUrl };
  return summary;
}
