import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, Envelope } from '../../http/envelope.js';
import { AppError } from '../../http/errors.js';
import { isUuid } from '../../lib/ids.js';
import type { Services } from '../../services.js';
import { cliEndpoint } from './endpoint.js';
import { webhookFrame } from './frames.js';
import type { StreamHub } from './hub.js';
import { loadNotHandedOver, loadPollPage, markHandedOver } from './store.js';

export const LISTEN_PAGE = 50;

const ListenMessage = Type.Object({
  message_id: Type.String({ format: 'uuid' }),
  content_type: Type.String(),
  headers: Type.Record(Type.String(), Type.String()),
  body: Type.Optional(Type.Unknown({ description: 'The JSON body as sent, or base64 (see body_encoding)' })),
  body_encoding: Type.Optional(Type.Literal('base64')),
  size_bytes: Type.Integer(),
  received_at: Type.String({ format: 'date-time' }),
});

/**
 * The hb CLI's polling fallback: the endpoint's messages after the `after` cursor (a message id), oldest
 * first, up to 50, plus any never handed over below it (see loadPollPage). Without `after` (the CLI's
 * first poll, after every fallback from the WebSocket) only what no listener was handed yet, as the
 * WebSocket backlog: not the endpoint's whole history. With nothing new it holds the request until a
 * message arrives or `holdMs` passes.
 */
export function listenPollRoutes(
  services: Services,
  hub: StreamHub,
  holdMs: number,
): FastifyPluginAsyncTypebox {
  return async (app) => {
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
        const endpoint = await cliEndpoint(services, projectIdOf(request), request.params.id);
        const { after } = request.query;
        if (after !== undefined && !isUuid(after))
          throw new AppError('INVALID_REQUEST', 'after must be a message id');
        const cursor = after?.toLowerCase() ?? null;
        const read = () =>
          cursor === null
            ? loadNotHandedOver(services.db, endpoint.id, null, LISTEN_PAGE + 1)
            : loadPollPage(services.db, endpoint.id, cursor, LISTEN_PAGE + 1);
        let rows = await read();
        if (rows.length === 0 && holdMs > 0) {
          await waitForMessage(hub, endpoint.id, holdMs, request.raw);
          rows = await read();
        }
        const page = rows.slice(0, LISTEN_PAGE);
        await markHandedOver(
          services.db,
          page.map((message) => message.id),
        );
        // A page of late messages only (all below the cursor) must not move the cursor back.
        const last = page.at(-1)?.id ?? null;
        const meta = {
          request_id: request.id,
          next_cursor: last !== null && cursor !== null && cursor > last ? cursor : last,
          has_more: rows.length > LISTEN_PAGE,
        };
        const data = page.map((message) => webhookFrame(message, false)).join(',');
        // Built by hand so inline JSON bodies keep their exact bytes (see frames.ts).
        return reply
          .type('application/json; charset=utf-8')
          .send(`{"data":[${data}],"meta":${JSON.stringify(meta)}}`);
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
