import { type ClientOptions, resolveConfig } from './core/config.js';
import { DEFAULT_RETRY_POLICY } from './core/retry.js';
import { Transport } from './core/transport.js';
import { ApiKeys, Billing, Exports, Projects } from './resources/account.js';
import { Endpoints } from './resources/endpoints.js';
import { Inbound } from './resources/inbound.js';
import { Messages } from './resources/messages.js';
import { Dlq, Logs, Metrics } from './resources/observability.js';
import { Webhooks } from './resources/webhooks.js';

/**
 * The resource-grouped client: `hb.endpoints.create`, `hb.webhooks.send`, `hb.messages.replay`,
 * `hb.inbound.endpoints.list`, … Results are the API's own (snake_case) objects.
 */
export class ResourceClient {
  protected readonly transport: Transport;
  readonly endpoints: Endpoints;
  readonly webhooks: Webhooks;
  readonly messages: Messages;
  readonly logs: Logs;
  readonly dlq: Dlq;
  readonly metrics: Metrics;
  readonly inbound: Inbound;
  readonly exports: Exports;
  readonly apiKeys: ApiKeys;
  readonly projects: Projects;
  readonly billing: Billing;

  constructor(options: ClientOptions = {}) {
    this.transport = new Transport(resolveConfig(options, DEFAULT_RETRY_POLICY));
    this.endpoints = new Endpoints(this.transport);
    this.webhooks = new Webhooks(this.transport);
    this.messages = new Messages(this.transport);
    this.logs = new Logs(this.transport);
    this.dlq = new Dlq(this.transport);
    this.metrics = new Metrics(this.transport);
    this.inbound = new Inbound(this.transport);
    this.exports = new Exports(this.transport);
    this.apiKeys = new ApiKeys(this.transport);
    this.projects = new Projects(this.transport);
    this.billing = new Billing(this.transport);
  }

  /** The base URLs this client talks to. */
  get baseUrl(): string {
    return this.transport.config.baseUrl;
  }

  get sendUrl(): string {
    return this.transport.config.sendUrl;
  }
}
