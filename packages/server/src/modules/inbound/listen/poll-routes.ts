import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../../http/auth.js';
import { COMMON_ERRORS, Envelope } from '../../../http/envelope.js';
import { AppError } from '../../../errors.js';
import { isUuid } from '../../../lib/ids.js';
import type { Services } from '../../../services.js';
import { webhookFrame } from './frames.js';
import type { StreamHub } from './hub.js';

export const LISTEN_PAGE = 50;
/** Payload bytes per answer (past the first message), as the WebSocket backlog: 50 bodies could be 50 MB. */
export const LISTEN_PAGE_BYTES = 1024 * 1024;
const MAX_ACKS = 100;

const Ack = Type.Object(
  {
    message_id: Type.String({ format: 'uuid' }),
    status_code: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
    latency_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
  },
  { additionalProperties: false },
);

const ListenMessage = Type.Object({
  message_id: Type.String({ format: 'uuid' }),
  content_type: Type.String(),
  headers: Type.Record(Type.String(), Type.String()),
  body: Type.Optional(Type.Unknown({ description: 'The JSON body as sent, or base64 (see body_encoding)' })),
  body_encoding: Type.Optional(Type.Literal('base64')),
  size_bytes: Type.Integer(),
  received_at: Type.String({ format: 'date-time' }),
  method: Type.Optional(Type.String({ description: 'The ingest request method (POST, PUT or PATCH)' })),
  path_suffix: Type.Optional(Type.String({ description: "The path after the token, '' or '/…'" })),
  query: Type.Optional(Type.String({ description: "The query string without '?' (static token removed)" })),
});

/**
 * The hb CLI's polling fallback: the endpoint's messages after the `after` cursor (a message id), oldest
 * first, up to 50 and about 1 MB of payload (at least one message), plus any never handed over below it
 * (see loadPollPage). Without `after` (the CLI's first poll, after every fallback from the WebSocket) only
 * what no listener was handed yet, as the WebSocket backlog: not the endpoint's whole history. With nothing new it holds the request until a
 * message arrives or `holdMs` passes.
 */
export function listenPollRoutes({
  listen,
  streamHub: hub,
  holdMs,
}: Pick<Services, 'listen' | 'streamHub'> & { holdMs: number }): FastifyPluginAsyncTypebox {
  return async (app) => {
    // The hub is built with the services but lives as long as the app: closed before the server waits for
    // open requests to finish, so held long-polls answer at once.
    app.addHook('preClose', async () => {
      await hub.close();
    });
    app.get(
      '/v1/inbound-endpoints/:id/listen',
      {
        schema: {
          tags: ['Inbound endpoints'],
          summary: 'Poll a cli-mode endpoint for messages after a cursor (long-poll)',
          params: Type.Object({ id: Type.String() }),
          querystring: Type.Object({
            after: Type.Optional(
              Type.String({
                description:
                  'meta.next_cursor of the previous call; without it, the messages no listener was handed yet',
              }),
            ),
            ack: Type.Optional(
              Type.String({
                description:
                  '1: the client acknowledges through POST …/listen/ack, so listing hands nothing over; ' +
                  'without `after` only what no listener was handed is listed; every body is base64',
              }),
            ),
          }),
          response: {
            200: Envelope(Type.Array(ListenMessage), {
              next_cursor: Type.Union([Type.String(), Type.Null()]),
              has_more: Type.Boolean(),
            }),
            ...COMMON_ERRORS,
            404: Type.Ref('ErrorEnvelope'),
          },
        },
      },
      async (request, reply) => {
        const endpoint = await listen.cliEndpoint(projectIdOf(request), request.params.id);
        const { after } = request.query;
        const acks = request.query.ack === '1';
        if (after !== undefined && !isUuid(after))
          throw new AppError('INVALID_REQUEST', 'after must be a message id');
        const cursor = after?.toLowerCase() ?? null;
        const read = () => listen.loadPollPage(endpoint.id, cursor, LISTEN_PAGE, LISTEN_PAGE_BYTES);
        let { messages: page, hasMore } = await read();
        if (page.length === 0 && holdMs > 0) {
          await waitForMessage(hub, endpoint.id, holdMs, request.raw);
          ({ messages: page, hasMore } = await read());
        }
        if (!acks) await listen.markHandedOver(page.map((message) => message.id));
        // A page of late messages only (all below the cursor) must not move the cursor back.
        const last = page.at(-1)?.id ?? null;
        const meta = {
          request_id: request.id,
          next_cursor: last !== null && cursor !== null && cursor > last ? cursor : last,
          has_more: hasMore,
        };
        const data = page.map((message) => webhookFrame(message, false, acks)).join(',');
        // Built by hand so inline JSON bodies keep their exact bytes (see frames.ts).
        return reply
          .type('application/json; charset=utf-8')
          .send(`{"data":[${data}],"meta":${JSON.stringify(meta)}}`);
      },
    );

    app.post(
      '/v1/inbound-endpoints/:id/listen/ack',
      {
        schema: {
          tags: ['Inbound endpoints'],
          summary: 'Acknowledge messages a polling listener (ack=1) handled, with the local result if any',
          description:
            'Each entry hands its message over. With `status_code` the local answer is recorded as a ' +
            'delivery result (as a WebSocket `delivery_result` frame does); without, it is only handed over.',
          params: Type.Object({ id: Type.String() }),
          body: Type.Object(
            { acks: Type.Array(Ack, { minItems: 1, maxItems: MAX_ACKS }) },
            { additionalProperties: false },
          ),
          response: {
            200: Envelope(Type.Object({ acknowledged: Type.Integer() })),
            ...COMMON_ERRORS,
            404: Type.Ref('ErrorEnvelope'),
          },
        },
      },
      async (request) => {
        const projectId = projectIdOf(request);
        const endpoint = await listen.cliEndpoint(projectId, request.params.id);
        const scope = { projectId, endpointId: endpoint.id };
        let acknowledged = 0;
        const plain: string[] = [];
        for (const ack of request.body.acks) {
          const messageId = ack.message_id.toLowerCase();
          if (ack.status_code === undefined) plain.push(messageId);
          else if (
            await listen.recordDeliveryResult(scope, {
              messageId,
              status: ack.status_code,
              latencyMs: ack.latency_ms ?? 0,
            })
          )
            acknowledged++;
        }
        acknowledged += await listen.acknowledge(endpoint.id, plain);
        return { data: { acknowledged }, meta: { request_id: request.id } };
      },
    );
  };
}

/** Resolves on the endpoint's next message (or a hub re-check), after `ms`, or when the client leaves. */
async function waitForMessage(
  hub: StreamHub,
  endpointId: string,
  ms: number,
  client: NodeJS.EventEmitter,
): Promise<void> {
  let wake!: () => void;
  const woken = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const unsubscribe = await hub.subscribe(endpointId, () => wake());
  const timer = setTimeout(wake, ms);
  client.once('close', wake);
  try {
    await woken;
  } finally {
    clearTimeout(timer);
    client.off('close', wake);
    unsubscribe();
  }
}
