import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../../../errors.js';
import { ok } from '../../../http/envelope.js';
import type { Services } from '../../../services.js';
import { INGEST_METHODS, INGEST_REFUSAL_STATUSES } from './service.js';
import { readBody } from './request-body.js';

const Params = Type.Object({ id: Type.String(), token: Type.String() });
const SuffixParams = Type.Object({ id: Type.String(), token: Type.String(), '*': Type.String() });
const PATH = '/v1/webhooks/receive/:id/:token';
/** Anything after the token is the provider's path suffix, stored and replayed by `hb listen`. */
const SUFFIX_PATH = `${PATH}/*`;
const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const OTHER_METHODS = ALL_METHODS.filter((m) => !(INGEST_METHODS as readonly string[]).includes(m));

/**
 * The public ingest URL, in a scope of its own: no API key, and bodies of any content type (or none) reach
 * the handler unread, as a stream, so the endpoint and its token are checked before a byte is read and
 * an oversized body is never buffered past the limit.
 */
export function ingestRoutes({ ingest }: Pick<Services, 'ingest'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    // Fastify answers a malformed Content-Type with 415 before any parser runs; a provider's request must
    // still be judged (and recorded) by the ingest, which reads the header from the raw headers instead.
    app.addHook('onRequest', async (request) => {
      delete request.raw.headers['content-type'];
    });

    async function handle(
      request: FastifyRequest<{ Params: { id: string; token: string; '*'?: string } }>,
      reply: FastifyReply,
    ) {
      let failedRead = false;
      const [path = '', rawQuery = ''] = splitOnce(request.raw.url ?? request.url, '?');
      const prefix = `/v1/webhooks/receive/${request.params.id}/${request.params.token}`;
      // The suffix as sent (still percent-encoded), cut from the raw path rather than the decoded param.
      const wildcard = request.params['*'];
      const pathSuffix =
        wildcard === undefined ? '' : path.startsWith(prefix) ? path.slice(prefix.length) : `/${wildcard}`;
      const outcome = await ingest
        .ingest({
          endpointId: request.params.id,
          token: request.params.token,
          method: request.method,
          pathSuffix,
          rawQuery,
          query: new URLSearchParams(rawQuery),
          rawHeaders: request.raw.rawHeaders,
          ip: request.ip,
          readBody: (limit) =>
            readBody(request.body as Readable | undefined, limit).catch((error) => {
              failedRead = true;
              throw error;
            }),
        })
        .catch((error) => {
          if (failedRead) return null;
          throw error;
        });
      if (!outcome) {
        return reply
          .code(400)
          .send(errorBody('INVALID_REQUEST', 'The request body was cut short', request.id));
      }
      if (outcome.kind === 'accepted') {
        return reply
          .code(outcome.status)
          .send(ok(request, { message_id: outcome.messageId, status: outcome.state }));
      }
      if (outcome.reason === 'invalid_method') reply.header('allow', INGEST_METHODS.join(', '));
      return reply.code(outcome.status).send(errorBody(outcome.code, outcome.message, request.id));
    }

    const errors = Object.fromEntries(
      INGEST_REFUSAL_STATUSES.map((status) => [status, Type.Ref('ErrorEnvelope')]),
    );
    const accepted = {
      config: { auth: 'none' as const },
      schema: {
        tags: ['Inbound ingest'],
        summary: "A provider's webhook: verified, stored byte for byte, then forwarded or streamed",
        description:
          'No API key: the secret token in the path is the credential. Any content type; POST, PUT or ' +
          "PATCH. Answers the endpoint's ingest_response_code (default 202) once the message is committed.",
        params: Params,
        response: {
          '2xx': Type.Object({
            data: Type.Object({
              message_id: Type.String({ format: 'uuid' }),
              status: Type.Union(
                [
                  Type.Literal('queued'),
                  Type.Literal('stored'),
                  Type.Literal('fetched'),
                  Type.Literal('delivered'),
                ],
                {
                  description:
                    "`queued` for a forward or cli endpoint; for a pull endpoint the event's status as " +
                    "the pull events API shows it (`stored`, or where a duplicate's original now stands)",
                },
              ),
            }),
            meta: Type.Object({ request_id: Type.String() }),
          }),
          ...errors,
        },
      },
    };
    app.post(PATH, accepted, handle);
    for (const method of ['put', 'patch'] as const) {
      app[method](PATH, { ...accepted, schema: { ...accepted.schema, hide: true } }, handle);
    }
    app.route({
      method: [...INGEST_METHODS],
      url: SUFFIX_PATH,
      config: { auth: 'none' },
      schema: {
        ...accepted.schema,
        summary: 'The same, with a path suffix after the token (stored and replayed by hb listen)',
        params: SuffixParams,
      },
      handler: handle,
    });
    app.route({
      method: [...OTHER_METHODS],
      url: PATH,
      config: { auth: 'none' },
      schema: { hide: true, params: Params },
      handler: handle,
    });
    app.route({
      method: [...OTHER_METHODS],
      url: SUFFIX_PATH,
      config: { auth: 'none' },
      schema: { hide: true, params: SuffixParams },
      handler: handle,
    });
  };
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}
