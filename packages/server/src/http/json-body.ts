import type { FastifyInstance } from 'fastify';
import sjson from 'secure-json-parse';

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
    (_request, body, done) => {
      const text = body as string;
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, sjson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' }));
      } catch {
        const error = Object.assign(new SyntaxError('Request body is not valid JSON'), { statusCode: 400 });
        done(error, undefined);
      }
    },
  );
  // Routes with a body schema whose fields are all optional accept a missing body as `{}`.
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.body === undefined && request.routeOptions.schema?.body) request.body = {};
    done();
  });
}
