import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../http/envelope.js';
import type { MetricsService } from './service.js';
import { WINDOWS, formatRate } from './windows.js';

const TAGS = ['Metrics'];
export const WindowSchema = Type.Union(WINDOWS.map((w) => Type.Literal(w)));

const MetricsQuery = Type.Object({
  window: Type.Optional(Type.String({ description: `${WINDOWS.join(' | ')}; default 24h` })),
  endpoint_id: Type.Optional(Type.String({ description: 'ep_ + 32 hex' })),
});

export const Metrics = Type.Object({
  window: WindowSchema,
  total_messages: Type.Integer(),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
  retries: Type.Integer(),
  success_rate: Type.Number({ minimum: 0, maximum: 1, description: 'always written with a fraction' }),
  avg_latency_ms: Type.Integer(),
});

export const Timeseries = Type.Object({
  window: WindowSchema,
  buckets: Type.Array(
    Type.Object({
      timestamp: Type.String({ format: 'date-time', description: 'bucket start, UTC' }),
      succeeded: Type.Integer(),
      failed: Type.Integer(),
      retrying: Type.Integer(),
      total: Type.Integer(),
      avg_latency_ms: Type.Integer(),
    }),
  ),
});

const RATE_MARK = '\u0001rate:';

/**
 * JSON.stringify writes 1.0 as `1`, which Go's and PHP's typed clients then decode as an integer; the
 * rate goes out as a marked string and the marks are removed from the text.
 */
function serializeWithRate(payload: unknown): string {
  return JSON.stringify(payload, (key, value) =>
    key === 'success_rate' && typeof value === 'number' ? `${RATE_MARK}${formatRate(value)}` : value,
  ).replace(/"\\u0001rate:([0-9.]+)"/g, '$1');
}

export function metricsRoutes({ metrics }: { metrics: MetricsService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/metrics',
      {
        schema: {
          tags: TAGS,
          summary: 'Delivery metrics of the messages created in the window (1h, 24h, 7d or 30d)',
          querystring: MetricsQuery,
          response: { 200: Envelope(Metrics), ...COMMON_ERRORS, 404: Type.Ref('ErrorEnvelope') },
        },
      },
      async (request, reply) => {
        const data = await metrics.summary(projectIdOf(request), request.query);
        return reply.serializer(serializeWithRate).send(ok(request, data));
      },
    );

    app.get(
      '/v1/metrics/timeseries',
      {
        schema: {
          tags: TAGS,
          summary: 'Metrics per UTC-aligned bucket (1h: 5 min, 24h: 1 h, 7d: 6 h, 30d: 1 day), zero-filled',
          querystring: MetricsQuery,
          response: { 200: Envelope(Timeseries), ...COMMON_ERRORS, 404: Type.Ref('ErrorEnvelope') },
        },
      },
      async (request) => ok(request, await metrics.timeseries(projectIdOf(request), request.query)),
    );
  };
}
