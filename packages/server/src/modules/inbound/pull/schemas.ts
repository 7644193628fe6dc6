import { type Static, Type } from '@sinclair/typebox';
import { NullableTimestamp, Timestamp } from '../../../http/envelope.js';
import { CreateInboundBody, verificationFields } from '../endpoints/schemas.js';

export const ENDPOINT_TAGS = ['Pull endpoints'];
export const EVENT_TAGS = ['Pull events'];
export const MAX_RETENTION_DAYS = 365;

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const EventTypeSource = Type.Union([Type.Literal('body'), Type.Literal('header')], {
  description: 'Where the event type is read: a dot path into a JSON body, or a request header',
});

const pullFields = {
  retention_days: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_RETENTION_DAYS,
      description: 'How long events stay retrievable (default HOOKBRIDGE_RETENTION_DAYS)',
    }),
  ),
  event_type_source: Type.Optional(Type.Union([EventTypeSource, Type.Null()])),
  event_type_path: Type.Optional(
    Nullable(Type.String({ minLength: 1, maxLength: 255, description: 'e.g. "type" or "data.object.kind"' })),
  ),
};

/** The inbound endpoint's verification settings, without what only forwarding uses. */
const VerificationBody = Type.Omit(CreateInboundBody, ['mode', 'url', 'signing_enabled']);

export const CreatePullBody = Type.Composite([VerificationBody, Type.Object(pullFields)], {
  additionalProperties: false,
});
export type CreatePullInput = Static<typeof CreatePullBody>;

export const UpdatePullBody = Type.Composite(
  [Type.Partial(CreatePullBody), Type.Object({ active: Type.Optional(Type.Boolean()) })],
  { additionalProperties: false },
);
export type UpdatePullInput = Static<typeof UpdatePullBody>;

const Counts = Type.Object({
  stored: Type.Integer(),
  fetched: Type.Integer(),
  delivered: Type.Integer(),
  total: Type.Integer(),
});

const endpointFields = {
  id: Type.String({ format: 'uuid' }),
  name: Type.Union([Type.String(), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]),
  mode: Type.Literal('pull'),
  ingest_url: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  paused: Type.Boolean(),
  retention_days: Type.Integer(),
  event_type_source: Type.Union([EventTypeSource, Type.Null()]),
  event_type_path: Type.Union([Type.String(), Type.Null()]),
  ...verificationFields,
  created_at: Timestamp,
  updated_at: Timestamp,
};

export const PullEndpoint = Type.Object({
  ...endpointFields,
  counts: Type.Object(Counts.properties, {
    description: "The endpoint's retrievable events by status (deleted and expired ones excluded)",
  }),
});
export const CreatedPull = Type.Object({
  ...endpointFields,
  secret_token: Type.String({
    description: '32 hex; shown only in this response (it is part of ingest_url)',
  }),
});
export const PullSummary = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.Union([Type.String(), Type.Null()]),
  mode: Type.Literal('pull'),
  active: Type.Boolean(),
  paused: Type.Boolean(),
  ingest_url: Type.Union([Type.String(), Type.Null()]),
  created_at: Timestamp,
});

export const EventStatus = Type.Union([
  Type.Literal('stored'),
  Type.Literal('fetched'),
  Type.Literal('delivered'),
]);

export const Timing = Type.Object(
  {
    ingest_processing_ms: Type.Integer({ description: 'From the request reaching the server to storing it' }),
    time_to_fetch_ms: Type.Optional(Type.Integer({ description: 'From receipt to the first fetch' })),
    time_to_ack_ms: Type.Optional(
      Type.Integer({ description: 'From the first fetch to the acknowledgement' }),
    ),
    total_ms: Type.Optional(Type.Integer({ description: 'From receipt to the acknowledgement' })),
  },
  { description: 'Durations in ms; those of steps not reached yet are omitted' },
);

const eventFields = {
  id: Type.String({ format: 'uuid' }),
  event_type: Type.Union([Type.String(), Type.Null()]),
  status: EventStatus,
  size_bytes: Type.Integer(),
  fetch_count: Type.Integer({ description: 'How many times its payload was fetched (previews excluded)' }),
  received_at: Timestamp,
  fetched_at: NullableTimestamp,
  delivered_at: NullableTimestamp,
  timing: Timing,
};
export const PullEventSummary = Type.Object(eventFields);
export const PullEventDetail = Type.Object({
  ...eventFields,
  content_type: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Unknown({
    description: 'The body: parsed JSON when it is JSON, else the text, else base64 (see payload_encoding)',
  }),
  payload_encoding: Type.Union([Type.Literal('json'), Type.Literal('text'), Type.Literal('base64')]),
  headers: Type.Record(Type.String(), Type.String()),
});
export const PullLogEntry = Type.Object({
  event_id: Type.String({ format: 'uuid' }),
  pull_endpoint_id: Type.String({ format: 'uuid' }),
  endpoint_name: Type.Union([Type.String(), Type.Null()]),
  event_type: Type.Union([Type.String(), Type.Null()]),
  status: EventStatus,
  size_bytes: Type.Integer(),
  received_at: Timestamp,
  fetched_at: NullableTimestamp,
  delivered_at: NullableTimestamp,
  timing: Timing,
});

export const EndpointParams = Type.Object({ id: Type.String({ description: 'pull endpoint id (UUID)' }) });
export const EventParams = Type.Object({
  id: Type.String({ description: 'pull endpoint id (UUID)' }),
  event_id: Type.String({ description: 'pull event id (UUID)' }),
});
export const ErrorRef = Type.Ref('ErrorEnvelope');
