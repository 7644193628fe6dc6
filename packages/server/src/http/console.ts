import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

/**
 * The console's pages may load only what the server itself serves: no CDN, no inline script, and no other
 * site may frame them. Inline styles are allowed because the chart and table libraries position their
 * elements with style attributes.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where the console's build output is, or null when `@hookbridge/console` is not built. */
export function consoleDistDir(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('@hookbridge/console/package.json');
    const dist = join(dirname(pkg), 'dist');
    return existsSync(join(dist, 'index.html')) ? dist : null;
  } catch {
    return null;
  }
}

/**
 * Serves the built console at /console: hashed files under /console/assets/ are cached for a year,
 * every other path answers index.html (uncached) so the app's own router can take it.
 */
export async function installConsole(
  app: FastifyInstance,
  log: Pick<FastifyBaseLogger, 'warn'>,
): Promise<void> {
  const dist = consoleDistDir();
  if (!dist) log.warn('The web console is not built (npm run build); /console answers 404');
  await app.register(async (scope) => {
    if (dist) await scope.register(fastifyStatic, { root: dist, serve: false });
    scope.addHook('onSend', (_request, reply, payload, done) => {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('x-frame-options', 'DENY');
      reply.header('referrer-policy', 'same-origin');
      done(null, payload);
    });
    const config = { auth: 'none' as const };
    const schema = { hide: true };
    scope.get('/console', { config, schema }, async (_request, reply) => reply.redirect('/console/', 302));
    scope.get<{ Params: { '*': string } }>('/console/*', { config, schema }, async (request, reply) => {
      if (!dist) throw new AppError('NOT_FOUND', 'The web console is not built; run npm run build');
      const path = request.params['*'];
      // Refused before the file system is asked: nothing outside the build is ever a console file.
      if (path.split('/').some((part) => part === '..' || part === '.') || /[\\\0]/.test(path)) {
        throw new AppError('NOT_FOUND', 'No such console file');
      }
      if (path.startsWith('assets/') || path === 'favicon.svg') {
        return reply.sendFile(path, { maxAge: '365d', immutable: true });
      }
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html', { cacheControl: false });
    });
  });
}
