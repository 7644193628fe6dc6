import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';

/** `{data, meta: {request_id}}` — the success shape of every JSON response. */
export function ok<T>(request: FastifyRequest, data: T, meta: Record<string, unknown> = {}) {
  return { data, meta: { request_id: request.id, ...meta } };
}

export const ErrorEnvelope = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
    meta: Type.Object({ request_id: Type.String() }),
  },
  { $id: 'ErrorEnvelope' },
);

export function Envelope<T extends TSchema>(data: T, meta: Record<string, TSchema> = {}) {
  return Type.Object({ data, meta: Type.Object({ request_id: Type.String(), ...meta }) });
}

/** Error responses every authenticated route can give, for the OpenAPI document. */
export const COMMON_ERRORS = {
  400: Type.Ref('ErrorEnvelope'),
  401: Type.Ref('ErrorEnvelope'),
  429: Type.Ref('ErrorEnvelope'),
} as const;

export const Timestamp = Type.String({ format: 'date-time' });
export const NullableTimestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
