import type { FastifyInstance } from 'fastify';
import sjson from 'secure-json-parse';
import { AppError } from '../errors.js';
import { exceedsDepth, findNul, MAX_JSON_DEPTH } from './json-limits.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Top-level body fields stored as bytes, where a NUL character is allowed (the send payload). */
    nulAllowedIn?: readonly string[];
  }
}

/**
 * JSON bodies, parsed with prototype-poisoning protection. An empty body with a JSON content type is
 * treated as no body: SDKs send `Content-Type: application/json` on bodiless POSTs (pause, replay).
 */
export function installJsonBody(app: FastifyInstance): void {
  // Only JSON is accepted by default; a route that takes other bodies (ingest) adds parsers in its own scope.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    /^application\/([\w.+-]+\+)?json$/i,
    { parseAs: 'string' },
    (request, body, done) => {
      const text = body as string;
      if (text.trim() === '') return done(null, undefined);
      if (exceedsDepth(text)) {
        const message = `Request body is nested more than ${MAX_JSON_DEPTH} levels deep`;
        return done(new AppError('INVALID_REQUEST', message), undefined);
      }
      let parsed: unknown;
      try {
        parsed = sjson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' });
      } catch {
        const error = Object.assign(new SyntaxError('Request body is not valid JSON'), { statusCode: 400 });
        return done(error, undefined);
      }
      const nulAt = findNul(parsed, request.routeOptions.config.nulAllowedIn);
      if (nulAt) {
        const message = `${nulAt} must not contain NUL characters (\\u0000)`;
        return done(new AppError('INVALID_REQUEST', message), undefined);
      }
      done(null, parsed);
    },
  );
  // Routes with a body schema whose fields are all optional accept a missing body as `{}`.
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.body === undefined && request.routeOptions.schema?.body) request.body = {};
    done();
  });
}
