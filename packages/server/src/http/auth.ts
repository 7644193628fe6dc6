import type { FastifyInstance, FastifyRequest } from 'fastify';
import { safeEqual } from '../lib/crypto.js';
import type { KeyMode } from '../modules/api-keys/service.js';
import type { Services } from '../services.js';
import { type ConsoleSessionService, SESSION_COOKIE } from '../modules/console-sessions/service.js';
import { AppError } from '../errors.js';

/**
 * `key`: an API key, or the admin token with an X-Project-Id header (the default for /v1 routes).
 * `key-or-admin`: an API key, or the admin token with or without X-Project-Id (project management).
 * `none`: public (health, OpenAPI, ingest).
 */
export type AuthPolicy = 'key' | 'key-or-admin' | 'none';

export type Principal =
  | { kind: 'key'; projectId: string; keyId: string; mode: KeyMode }
  | { kind: 'admin'; projectId: string | null; mode: KeyMode };

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthPolicy;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** The console session cookie's token, when that is how the request authenticated. */
    sessionToken: string | null;
  }
}

/**
 * Reads the credential (a Bearer API key or admin token, or the console session cookie) and attaches
 * `request.principal`. The key itself is checked by `ApiKeyService.verifyKey` (modules/api-keys/service.ts),
 * a session by `ConsoleSessionService.verifySession`.
 */
export function installAuth(
  app: FastifyInstance,
  services: Pick<Services, 'apiKeys' | 'projects' | 'authFailures' | 'config' | 'consoleSessions'>,
): void {
  const { apiKeys, projects, authFailures, config } = services;
  const consoleSessions = config.console ? services.consoleSessions : null;
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionToken', null);

  app.addHook('preHandler', async (request) => {
    const policy = request.routeOptions.config.auth ?? 'key';
    // Unknown routes answer 404 whoever asks: a route's existence is not a secret.
    if (policy === 'none' || request.is404) return;
    const client = request.ip;
    const retryAfter = authFailures.retryAfterSeconds(client);
    if (retryAfter > 0) {
      throw new AppError('RATE_LIMITED', undefined, undefined, { 'retry-after': String(retryAfter) });
    }
    const token = bearerToken(request);
    if (!token && consoleSessions && request.headers.cookie) {
      try {
        await authenticateSession(app, request, consoleSessions, policy);
      } catch (error) {
        if (error instanceof AppError && error.code === 'UNAUTHORIZED') authFailures.recordFailure(client);
        throw error;
      }
      return;
    }
    if (token && config.adminToken && safeEqual(token, config.adminToken)) {
      const projectId = headerValue(request, 'x-project-id');
      if (projectId) await projects.get(projectId);
      else if (policy === 'key') {
        throw new AppError('INVALID_REQUEST', 'X-Project-Id header is required when using the admin token');
      }
      request.principal = { kind: 'admin', projectId: projectId ?? null, mode: 'live' };
      return;
    }
    const key = token ? await apiKeys.verifyKey(token) : null;
    if (!key) {
      authFailures.recordFailure(client);
      throw new AppError('UNAUTHORIZED');
    }
    request.principal = { kind: 'key', ...key };
  });
}

/** Methods a browser lets another site trigger with our cookie; every other method needs the CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function authenticateSession(
  app: FastifyInstance,
  request: FastifyRequest,
  sessions: ConsoleSessionService,
  policy: AuthPolicy,
): Promise<void> {
  const token = app.parseCookie(request.headers.cookie ?? '')[SESSION_COOKIE];
  const principal = token ? await sessions.verifySession(token, headerValue(request, 'x-project-id')) : null;
  if (!token || !principal) {
    // No session cookie among the cookies, or a dead one: the same answer as a missing key.
    throw new AppError('UNAUTHORIZED');
  }
  if (
    !SAFE_METHODS.has(request.method) &&
    !sessions.csrfMatches(token, headerValue(request, 'x-csrf-token'))
  ) {
    throw new AppError('CSRF_FAILED');
  }
  if (policy === 'key' && !principal.projectId) {
    throw new AppError('INVALID_REQUEST', 'X-Project-Id header is required when using the admin token');
  }
  request.principal = principal;
  request.sessionToken = token;
}

/** The project the request acts for; every project-scoped query takes this id. */
export function projectIdOf(request: FastifyRequest): string {
  const projectId = request.principal?.projectId;
  if (!projectId)
    throw new AppError('INVALID_REQUEST', 'X-Project-Id header is required when using the admin token');
  return projectId;
}

export function requireAdmin(request: FastifyRequest): void {
  if (request.principal?.kind !== 'admin') {
    throw new AppError('FORBIDDEN', 'This operation requires the admin token (HOOKBRIDGE_ADMIN_TOKEN)');
  }
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

function headerValue(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || null;
}
