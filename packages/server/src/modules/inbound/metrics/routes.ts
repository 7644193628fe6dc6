import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../../http/envelope.js';
import type { Services } from '../../../services.js';
import { Metrics, Timeseries } from '../../metrics/routes.js';
import { formatRate, WINDOWS } from '../../metrics/windows.js';

const TAGS = ['Inbound messages'];
const ErrorRef = Type.Ref('ErrorEnvelope');

const InboundMetricsQuery = Type.Object({
  window: Type.Optional(Type.String({ description: `${WINDOWS.join(' | ')}; default 24h` })),
  inbound_endpoint_id: Type.Optional(Type.String({ description: 'an inbound endpoint id (UUID)' })),
});

const InboundMetrics = Type.Object({
  ...Metrics.properties,
  avg_delivery_time_ms: Type.Integer({ description: 'Mean time from receipt to successful delivery' }),
});

/**
 * The metrics body as JSON text with success_rate always holding a fraction (`1.0`, `0.0`): JSON.stringify
 * writes `1`, which typed clients then decode as an integer. The field is written last by hand, so no other
 * value is touched.
 */
function metricsJson(body: {
  data: { success_rate: number } & Record<string, unknown>;
  meta: unknown;
}): string {
  const { success_rate, ...rest } = body.data;
  const data = JSON.stringify(rest).slice(0, -1);
  return `{"data":${data},"success_rate":${formatRate(success_rate)}},"meta":${JSON.stringify(body.meta)}}`;
}

export function inboundMetricsRoutes({
  inboundMetrics: metrics,
}: Pick<Services, 'inboundMetrics'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/inbound-metrics',
      {
        schema: {
          tags: TAGS,
          summary: 'Inbound metrics of the messages received in the window (1h, 24h, 7d or 30d)',
          querystring: InboundMetricsQuery,
          response: { 200: Envelope(InboundMetrics), ...COMMON_ERRORS, 404: ErrorRef },
        },
      },
      async (request, reply) => {
        const body = ok(request, await metrics.summary(projectIdOf(request), request.query));
        return reply.type('application/json; charset=utf-8').serializer(metricsJson).send(body);
      },
    );

    app.get(
      '/v1/inbound-metrics/timeseries',
      {
        schema: {
          tags: TAGS,
          summary:
            'Inbound metrics per UTC-aligned bucket (1h: 5 min, 24h: 1 h, 7d: 6 h, 30d: 1 day), zero-filled',
          querystring: InboundMetricsQuery,
          response: { 200: Envelope(Timeseries), ...COMMON_ERRORS, 404: ErrorRef },
        },
      },
      async (request) => ok(request, await metrics.timeseries(projectIdOf(request), request.query)),
    );
  };
}
