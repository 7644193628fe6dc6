import type { Logger } from 'pino';
import type { Config } from './config.js';
import { AuthFailureLimiter } from './http/auth-failure-limiter.js';
import { ApiKeyService } from './modules/api-keys/service.js';
import { EndpointService } from './modules/endpoints/service.js';
import { MessageActions } from './modules/messages/actions/service.js';
import { ProjectService } from './modules/projects/service.js';
import { WakeNotifier } from './delivery/wake-notifier.js';
import { SecretBox } from './lib/secret-box.js';
import { SendService } from './modules/send/service.js';
import type { Db } from './store/db.js';
import { join } from 'node:path';
import { BillingService } from './modules/billing/service.js';
import { DownloadLinks } from './modules/exports/download-link.js';
import { ExportService } from './modules/exports/service.js';
import { MetricsService } from './modules/metrics/service.js';
import { InboundMessageActions } from './modules/inbound/messages/service.js';
import { InboundMessageQueries } from './modules/inbound/messages/queries.js';
import { InboundLogQueries } from './modules/inbound/logs/queries.js';
import { RejectionQueries } from './modules/inbound/rejections/queries.js';
import { StreamHub } from './modules/inbound/listen/hub.js';
import { ListenService } from './modules/inbound/listen/service.js';
import { InboundMetricsService } from './modules/inbound/metrics/service.js';
import { Telemetry } from './observability/telemetry.js';
import { InboundEndpointService } from './modules/inbound/endpoints/service.js';
import { IngestService } from './modules/inbound/ingest/service.js';
import { DeletionService } from './modules/deletion/service.js';
import { PullEndpointService } from './modules/inbound/pull/endpoint-service.js';
import { PullEventService } from './modules/inbound/pull/event-service.js';
import { ConsoleSessionService } from './modules/console-sessions/service.js';
import { MessageQueries } from './modules/messages/queries.js';
import { MessageLogQueries } from './modules/messages/logs/queries.js';
import { ActorQueries } from './modules/actors/queries.js';
import { PayloadQueries } from './modules/shared/payload-queries.js';
import { DeliveryPreviews } from './modules/shared/delivery-preview.js';

/** Everything a route or worker needs, built once at boot and passed down; no globals. */
export interface Services {
  config: Config;
  db: Db;
  log: Logger;
  projects: ProjectService;
  apiKeys: ApiKeyService;
  endpoints: EndpointService;
  authFailures: AuthFailureLimiter;
  /** Encrypts secrets at rest under the master key. */
  secretBox: SecretBox;
  send: SendService;
  /** Prometheus registry and instruments of this process. */
  telemetry: Telemetry;
  metrics: MetricsService;
  exports: ExportService;
  /** Plan, usage and the optional monthly quota. */
  billing: BillingService;
  messageActions: MessageActions;
  /** Reads of one message, of the message log and the DLQ, of stored payloads (both directions). */
  messageQueries: MessageQueries;
  messageLogQueries: MessageLogQueries;
  payloadQueries: PayloadQueries;
  /** The request a delivery of a stored message would make now (both directions). */
  deliveryPreviews: DeliveryPreviews;
  /** Display names for the API key ids recorded on objects. */
  actorQueries: ActorQueries;
  inboundMessageActions: InboundMessageActions;
  /** Reads of inbound messages and their forwarding attempts. */
  inboundMessageQueries: InboundMessageQueries;
  /** Reads of the inbound log (`/v1/inbound-logs`). */
  inboundLogQueries: InboundLogQueries;
  /** Reads of the refused ingests (`/v1/inbound-rejections`). */
  rejectionQueries: RejectionQueries;
  inboundMetrics: InboundMetricsService;
  /** Inbound endpoints and their signing keys. */
  inboundEndpoints: InboundEndpointService;
  /** The public ingest URL's checks and storage. */
  ingest: IngestService;
  /** Fans new cli-mode messages out to this process's listeners; closed by the long-poll routes. */
  streamHub: StreamHub;
  /** What hb listen reads and reports, over the WebSocket or the long-poll. */
  listen: ListenService;
  /** Wakes delivery workers after sends, coalesced. */
  wake: WakeNotifier;
  /** Deletion of messages, inbound messages and pull events. */
  deletion: DeletionService;
  /** Pull endpoints (inbound endpoints of mode pull) and their events. */
  pull: PullEndpointService;
  pullEvents: PullEventService;
  /** The web console's cookie sessions. */
  consoleSessions: ConsoleSessionService;
}

export function buildServices(config: Config, db: Db, log: Logger, masterKey: Buffer): Services {
  const secretBox = new SecretBox(masterKey);
  const wake = new WakeNotifier(db, log);
  const apiKeys = new ApiKeyService(db, config);
  const projects = new ProjectService(db, () => apiKeys.forgetAll());
  const inboundEndpoints = new InboundEndpointService(db, secretBox, config);
  const billing = new BillingService(db, config);
  return {
    wake,
    secretBox,
    config,
    db,
    log,
    projects,
    apiKeys,
    endpoints: new EndpointService(db, secretBox, config),
    send: new SendService(db, wake, billing.quota),
    messageActions: new MessageActions(db, config),
    messageQueries: new MessageQueries(db),
    messageLogQueries: new MessageLogQueries(db),
    payloadQueries: new PayloadQueries(db),
    deliveryPreviews: new DeliveryPreviews(db, secretBox),
    actorQueries: new ActorQueries(db),
    authFailures: new AuthFailureLimiter(config.authFailureLimit, config.authFailureWindowMs),
    telemetry: new Telemetry(db),
    metrics: new MetricsService(db),
    exports: new ExportService(
      db,
      config.exportsDir ?? join(config.dataDir, 'exports'),
      new DownloadLinks(masterKey),
    ),
    billing,
    inboundMessageActions: new InboundMessageActions(db, config),
    inboundMessageQueries: new InboundMessageQueries(db),
    inboundLogQueries: new InboundLogQueries(db),
    rejectionQueries: new RejectionQueries(db),
    inboundMetrics: new InboundMetricsService(db),
    inboundEndpoints,
    ingest: new IngestService(db, secretBox, wake),
    streamHub: new StreamHub(db, log.child({ component: 'stream-hub' })),
    listen: new ListenService(db, inboundEndpoints),
    deletion: new DeletionService(db),
    pull: new PullEndpointService(db, secretBox, config),
    pullEvents: new PullEventService(db),
    consoleSessions: new ConsoleSessionService(db, apiKeys, projects, config.adminToken),
  };
}
