import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { installAuth } from './http/auth.js';
import { clientErrorHandler, frameworkErrors, MAX_PARAM_LENGTH } from './http/client-errors.js';
import { ErrorEnvelope } from './http/envelope.js';
import { AppError } from './errors.js';
import { installErrorHandling } from './http/error-handler.js';
import { healthRoutes } from './http/health.js';
import { installJsonBody } from './http/json-body.js';
import { installOpenApi, registerOpenApiRoute } from './http/openapi.js';
import { installUpgradeGuard } from './http/upgrade-guard.js';
import { installUnreadBodyDrain } from './http/unread-body.js';
import { installValidation } from './http/validation.js';
import { randomString } from './lib/ids.js';
import { apiKeyRoutes } from './modules/api-keys/routes.js';
import { endpointRoutes } from './modules/endpoints/routes.js';
import { logRoutes } from './modules/messages/logs/routes.js';
import { messageRoutes } from './modules/messages/routes.js';
import { messageActionRoutes } from './modules/messages/actions/routes.js';
import { dlqRoutes } from './modules/messages/dlq/routes.js';
import { signingKeyRoutes } from './modules/endpoints/signing-key-routes.js';
import { projectRoutes } from './modules/projects/routes.js';
import { sendRoutes } from './modules/send/routes.js';
import type { Services } from './services.js';
import { billingRoutes } from './modules/billing/routes.js';
import { exportRoutes } from './modules/exports/routes.js';
import { metricsRoutes } from './modules/metrics/routes.js';
import { inboundMessageRoutes } from './modules/inbound/messages/routes.js';
import { inboundLogRoutes } from './modules/inbound/logs/routes.js';
import { inboundMetricsRoutes } from './modules/inbound/metrics/routes.js';
import { inboundRejectionRoutes } from './modules/inbound/rejections/routes.js';
import { inboundEndpointRoutes } from './modules/inbound/endpoints/routes.js';
import { inboundSigningKeyRoutes } from './modules/inbound/endpoints/signing-key-routes.js';
import { ingestRoutes } from './modules/inbound/ingest/routes.js';
import { listenPollRoutes } from './modules/inbound/listen/poll-routes.js';
import { listenSocketRoutes } from './modules/inbound/listen/socket-routes.js';
import { installHttpMetrics, prometheusRoutes } from './observability/routes.js';
import { actorRoutes } from './modules/actors/routes.js';
import { inboundDeletionRoutes, outboundDeletionRoutes } from './modules/deletion/routes.js';
import { pullRoutes } from './modules/inbound/pull/routes.js';
import { deliveryRoutes } from './modules/shared/delivery-routes.js';
import fastifyCookie from '@fastify/cookie';
import { installConsole } from './http/console.js';
import { consoleSessionRoutes } from './modules/console-sessions/routes.js';
import { payloadRoutes } from './modules/shared/payload-routes.js';

/**
 * `req_` + a random per-process prefix + a counter: unique across processes and restarts, and no CSPRNG
 * call per request (one showed up at ~3 % of the send path's CPU).
 */
function requestIds(): () => string {
  const prefix = `req_${randomString(12)}`;
  let counter = 0;
  return () => `${prefix}${(counter++).toString(36).padStart(6, '0')}`;
}

/** Request bodies up to this size reach the handlers, so an oversized payload gets a precise 400. */
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

export async function buildApp(services: Services): Promise<FastifyInstance> {
  const { config } = services;
  const newRequestId = requestIds();
  const app = Fastify({
    loggerInstance: services.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    genReqId: newRequestId,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      // Node checks both timeouts on this interval (30 s by default, which let headers take 90 s).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.headersTimeoutMs / 4))),
      // Node would answer a missing Host itself, outside the envelope; the onRequest hook below does.
      requireHostHeader: false,
    },
    // `HB_API_URL=http://host/` makes the hb CLI request `//v1/...`: the same route.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH, ignoreDuplicateSlashes: true },
    clientErrorHandler: clientErrorHandler(newRequestId, services.log as FastifyBaseLogger),
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  installValidation(app);
  installJsonBody(app);
  installErrorHandling(app);
  installUnreadBodyDrain(app);
  app.addSchema(ErrorEnvelope);
  await installOpenApi(app);

  // Callback-style hooks: an async hook costs a promise and a microtask turn on every request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (request.raw.httpVersion === '1.1' && !request.headers.host) {
      return done(new AppError('INVALID_REQUEST', 'The Host header is required'));
    }
    done();
  });
  // One log line per response: Fastify's own per-request logging more than halved throughput.
  const logResponses = services.log.isLevelEnabled('info');
  app.addHook('onResponse', (request, reply, done) => {
    if (logResponses) {
      request.log.info(
        {
          request_id: request.id,
          method: request.method,
          route: request.routeOptions.url ?? 'unknown',
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      );
    }
    done();
  });

  installUpgradeGuard(app);
  installHttpMetrics(app, services.telemetry);
  // Cookies are parsed only by the auth hook, and only for a request without a Bearer key.
  await app.register(fastifyCookie, { hook: false });
  installAuth(app, services);
  registerOpenApiRoute(app);

  // Every route plugin of the server, each given only the services it uses; no plugin registers another.
  // The order is the order of /openapi.json's paths.
  await app.register(healthRoutes({ db: services.db }));
  await app.register(prometheusRoutes({ telemetry: services.telemetry, config }));
  await app.register(metricsRoutes({ metrics: services.metrics }));
  await app.register(exportRoutes({ exports: services.exports, config }));
  await app.register(billingRoutes({ billing: services.billing }));
  await app.register(projectRoutes({ projects: services.projects }));
  await app.register(apiKeyRoutes({ apiKeys: services.apiKeys }));
  await app.register(endpointRoutes({ endpoints: services.endpoints, config }));
  await app.register(signingKeyRoutes({ endpoints: services.endpoints }));
  await app.register(sendRoutes({ send: services.send }));
  await app.register(messageRoutes({ messageQueries: services.messageQueries }));
  await app.register(messageActionRoutes({ messageActions: services.messageActions }));
  await app.register(
    dlqRoutes({ messageLogQueries: services.messageLogQueries, messageActions: services.messageActions }),
  );
  await app.register(logRoutes({ messageLogQueries: services.messageLogQueries }));
  await app.register(
    inboundMessageRoutes({
      inboundMessageQueries: services.inboundMessageQueries,
      inboundMessageActions: services.inboundMessageActions,
    }),
  );
  await app.register(inboundLogRoutes({ inboundLogQueries: services.inboundLogQueries }));
  await app.register(inboundMetricsRoutes({ inboundMetrics: services.inboundMetrics }));
  await app.register(inboundRejectionRoutes({ rejectionQueries: services.rejectionQueries }));
  await app.register(inboundEndpointRoutes({ inboundEndpoints: services.inboundEndpoints }));
  await app.register(inboundSigningKeyRoutes({ inboundEndpoints: services.inboundEndpoints }));
  await app.register(ingestRoutes({ ingest: services.ingest }));
  const listeners = { listen: services.listen, streamHub: services.streamHub };
  await app.register(listenPollRoutes({ ...listeners, holdMs: config.listenHoldMs }));
  await app.register(listenSocketRoutes({ ...listeners, pingMs: config.streamPingMs }));
  await app.register(outboundDeletionRoutes({ deletion: services.deletion }));
  await app.register(inboundDeletionRoutes({ deletion: services.deletion }));
  await app.register(
    pullRoutes({ pull: services.pull, pullEvents: services.pullEvents, deletion: services.deletion }),
  );
  await app.register(actorRoutes({ actorQueries: services.actorQueries }));
  await app.register(deliveryRoutes({ deliveryPreviews: services.deliveryPreviews }));
  await app.register(payloadRoutes({ payloadQueries: services.payloadQueries }));
  if (config.console) {
    await app.register(
      consoleSessionRoutes({
        consoleSessions: services.consoleSessions,
        authFailures: services.authFailures,
      }),
    );
    await installConsole(app, services.log);
  }
  return app;
}
