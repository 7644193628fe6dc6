import { type Static, Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { COMMON_ERRORS, Envelope, ok, Timestamp } from '../../http/envelope.js';
import { toRfc3339 } from '../../lib/time.js';
import type { AuthFailureLimiter } from '../../http/auth-failure-limiter.js';
import {
  type ConsoleSessionService,
  csrfTokenFor,
  type OpenedSession,
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
} from './service.js';

export const CreateSessionBody = Type.Object({
  api_key: Type.Optional(Type.String({ maxLength: 200 })),
  admin_token: Type.Optional(Type.String({ maxLength: 1000 })),
  project_id: Type.Optional(Type.String({ maxLength: 100 })),
});
export type CreateSessionRequest = Static<typeof CreateSessionBody>;

export const Session = Type.Object({
  kind: Type.Union([Type.Literal('key'), Type.Literal('admin')]),
  project_id: Type.Union([Type.String(), Type.Null()]),
  key_id: Type.Union([Type.String(), Type.Null()]),
  mode: Type.Union([Type.Literal('live'), Type.Literal('test')]),
  csrf_token: Type.Union([Type.String(), Type.Null()], {
    description: 'Send as X-CSRF-Token on every state-changing request made with the session cookie',
  }),
});
const OpenedSessionSchema = Type.Intersect([Session, Type.Object({ expires_at: Timestamp })]);

/** The session cookie: script cannot read it, no other site's request carries it. */
function setCookie(request: FastifyRequest, reply: FastifyReply, value: string, maxAge: number): void {
  // Serialised here: the cookie plugin's hooks are off, so no other request pays for cookie handling.
  reply.header(
    'set-cookie',
    request.server.serializeCookie(SESSION_COOKIE, value, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https',
      path: '/',
      maxAge,
    }),
  );
}

/**
 * The console's sign-in: an API key (or the admin token) is exchanged for an HttpOnly session cookie,
 * so the browser never keeps the key. Every /v1 route accepts that cookie, with X-CSRF-Token on
 * anything but GET and HEAD, exactly as it accepts a Bearer key.
 */
export function consoleSessionRoutes(deps: {
  consoleSessions: ConsoleSessionService;
  authFailures: AuthFailureLimiter;
}): FastifyPluginAsyncTypebox {
  const { consoleSessions: sessions, authFailures } = deps;
  return async (app) => {
    app.post(
      '/v1/console/session',
      {
        config: { auth: 'none' },
        schema: {
          tags: ['Console'],
          summary: 'Sign in: exchange an API key, or the admin token, for a session cookie',
          body: CreateSessionBody,
          response: { 201: Envelope(OpenedSessionSchema), ...COMMON_ERRORS, 404: Type.Ref('ErrorEnvelope') },
        },
      },
      async (request, reply) => {
        const { api_key: apiKey, admin_token: adminToken, project_id: projectId } = request.body;
        if ((apiKey === undefined) === (adminToken === undefined)) {
          throw new AppError('INVALID_REQUEST', 'Give exactly one of api_key and admin_token');
        }
        const retryAfter = authFailures.retryAfterSeconds(request.ip);
        if (retryAfter > 0) {
          throw new AppError('RATE_LIMITED', undefined, undefined, { 'retry-after': String(retryAfter) });
        }
        let opened: OpenedSession;
        try {
          opened =
            apiKey !== undefined
              ? await sessions.openWithKey(apiKey)
              : await sessions.openAsAdmin(adminToken!, projectId ?? null);
        } catch (error) {
          if (error instanceof AppError && error.code === 'UNAUTHORIZED') {
            authFailures.recordFailure(request.ip);
          }
          throw error;
        }
        setCookie(request, reply, opened.token, SESSION_TTL_SECONDS);
        const { row } = opened;
        return reply.code(201).send(
          ok(request, {
            kind: row.key_id ? ('key' as const) : ('admin' as const),
            project_id: row.project_id,
            key_id: row.key_id,
            mode: row.mode,
            csrf_token: csrfTokenFor(opened.token),
            expires_at: toRfc3339(row.expires_at)!,
          }),
        );
      },
    );

    app.get(
      '/v1/console/session',
      {
        config: { auth: 'key-or-admin' },
        schema: {
          tags: ['Console'],
          summary: 'Who the caller is; with the session cookie, also its CSRF token',
          response: { 200: Envelope(Session), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const principal = request.principal!;
        const token = request.sessionToken;
        return ok(request, {
          kind: principal.kind,
          project_id: principal.projectId,
          key_id: principal.kind === 'key' ? principal.keyId : null,
          mode: principal.mode,
          csrf_token: token ? csrfTokenFor(token) : null,
        });
      },
    );

    app.delete(
      '/v1/console/session',
      {
        config: { auth: 'key-or-admin' },
        schema: {
          tags: ['Console'],
          summary: 'Sign out: the session ends on the server and the cookie is cleared',
          response: {
            200: Envelope(Type.Object({ signed_out: Type.Boolean() })),
            ...COMMON_ERRORS,
            403: Type.Ref('ErrorEnvelope'),
          },
        },
      },
      async (request, reply) => {
        const token = request.sessionToken;
        if (!token) throw new AppError('INVALID_REQUEST', 'This request carries no console session cookie');
        await sessions.close(token);
        setCookie(request, reply, '', 0);
        return ok(request, { signed_out: true });
      },
    );
  };
}
