// Request and response types of every route, read from the generated OpenAPI types so they cannot drift
// from the server's schemas (test/generated-types.test.ts fails when the generated file is stale).
import type { paths } from './generated/openapi.js';

export type { paths };
export type Path = keyof paths;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Op<P extends Path, M extends Method> = NonNullable<paths[P][M]>;
type Json<R> = R extends { content: { 'application/json': infer J } } ? J : never;
type Success<R> = R extends { 200: infer S }
  ? S
  : R extends { 201: infer S }
    ? S
    : R extends { 202: infer S }
      ? S
      : never;

/** The JSON request body of a route. */
export type RequestBody<P extends Path, M extends Method> =
  Op<P, M> extends {
    requestBody?: { content: { 'application/json': infer B } };
  }
    ? B
    : never;
/** The query parameters of a route. */
export type QueryParams<P extends Path, M extends Method> =
  Op<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
/** The whole success envelope of a route. */
export type ResponseBody<P extends Path, M extends Method> = Json<Success<Op<P, M>['responses']>>;
/** The `data` of a route's success envelope. */
export type ResponseData<P extends Path, M extends Method> =
  ResponseBody<P, M> extends { data: infer D } ? D : never;
type Item<T> = T extends readonly (infer U)[] ? U : never;

// Outbound endpoints and signing keys
export type CreateEndpointParams = RequestBody<'/v1/endpoints', 'post'>;
export type CreatedEndpoint = ResponseData<'/v1/endpoints', 'post'>;
export type ListEndpointsParams = QueryParams<'/v1/endpoints', 'get'>;
export type EndpointSummary = Item<ResponseData<'/v1/endpoints', 'get'>>;
export type Endpoint = ResponseData<'/v1/endpoints/{id}', 'get'>;
export type UpdateEndpointParams = RequestBody<'/v1/endpoints/{id}', 'patch'>;
export type UpdatedEndpoint = ResponseData<'/v1/endpoints/{id}', 'patch'>;
export type DeleteResult = ResponseData<'/v1/endpoints/{id}', 'delete'>;
export type EndpointPauseState = ResponseData<'/v1/endpoints/{id}/pause', 'post'>;
export type EndpointResumeState = ResponseData<'/v1/endpoints/{id}/resume', 'post'>;
export type CreatedSigningKey = ResponseData<'/v1/endpoints/{id}/signing-keys', 'post'>;
export type SigningKey = Item<ResponseData<'/v1/endpoints/{id}/signing-keys', 'get'>>;

// Send and messages
export type SendParams = RequestBody<'/v1/webhooks/send', 'post'>;
export type SendResult = ResponseData<'/v1/webhooks/send', 'post'>;
export type Message = ResponseData<'/v1/messages/{id}', 'get'>;
export type MessageStatus = Message['status'];
export type Attempt = Item<ResponseData<'/v1/messages/{id}/attempts', 'get'>>;
export type ReplayResult = ResponseData<'/v1/messages/{id}/replay', 'post'>;
export type CancelResult = ResponseData<'/v1/messages/{id}/cancel', 'post'>;
export type RetryNowResult = ResponseData<'/v1/messages/{id}/retry-now', 'post'>;
export type ReplayAllParams = QueryParams<'/v1/messages/replay-all', 'post'>;
export type ReplayAllResult = ResponseData<'/v1/messages/replay-all', 'post'>;
export type ReplayBatchResult = ResponseData<'/v1/messages/replay-batch', 'post'>;
/** The request a delivery of a stored message would make now: URL, signed headers, body (base64). */
export type Delivery = ResponseData<'/v1/messages/{id}/delivery', 'get'>;

// Logs, DLQ, metrics
export type LogsParams = QueryParams<'/v1/logs', 'get'>;
export type MessageSummary = Item<ResponseData<'/v1/logs', 'get'>>;
export type DlqParams = QueryParams<'/v1/dlq/messages', 'get'>;
export type DlqMessage = Item<ResponseData<'/v1/dlq/messages', 'get'>['messages']>;
export type DlqReplayResult = ResponseData<'/v1/dlq/replay/{id}', 'post'>;
export type MetricsParams = QueryParams<'/v1/metrics', 'get'>;
export type Metrics = ResponseData<'/v1/metrics', 'get'>;
export type MetricsWindow = NonNullable<MetricsParams['window']>;
export type TimeseriesParams = QueryParams<'/v1/metrics/timeseries', 'get'>;
export type Timeseries = ResponseData<'/v1/metrics/timeseries', 'get'>;

// Inbound
export type CreateInboundEndpointParams = RequestBody<'/v1/inbound-endpoints', 'post'>;
export type CreatedInboundEndpoint = ResponseData<'/v1/inbound-endpoints', 'post'>;
export type ListInboundEndpointsParams = QueryParams<'/v1/inbound-endpoints', 'get'>;
export type InboundEndpointSummary = Item<ResponseData<'/v1/inbound-endpoints', 'get'>>;
export type InboundEndpoint = ResponseData<'/v1/inbound-endpoints/{id}', 'get'>;
export type UpdateInboundEndpointParams = RequestBody<'/v1/inbound-endpoints/{id}', 'patch'>;
export type UpdatedInboundEndpoint = ResponseData<'/v1/inbound-endpoints/{id}', 'patch'>;
export type InboundPauseState = ResponseData<'/v1/inbound-endpoints/{id}/pause', 'post'>;
export type ListenParams = QueryParams<'/v1/inbound-endpoints/{id}/listen', 'get'>;
export type ListenedMessage = Item<ResponseData<'/v1/inbound-endpoints/{id}/listen', 'get'>>;
export type InboundMessage = ResponseData<'/v1/inbound-messages/{id}', 'get'>;
export type InboundAttempt = Item<ResponseData<'/v1/inbound-messages/{id}/attempts', 'get'>>;
export type InboundDelivery = ResponseData<'/v1/inbound-messages/{id}/delivery', 'get'>;
export type InboundReplayAllParams = QueryParams<'/v1/inbound-messages/replay-all', 'post'>;
export type InboundLogsParams = QueryParams<'/v1/inbound-logs', 'get'>;
export type InboundLogEntry = Item<ResponseData<'/v1/inbound-logs', 'get'>>;
export type InboundMetricsParams = QueryParams<'/v1/inbound-metrics', 'get'>;
export type InboundMetrics = ResponseData<'/v1/inbound-metrics', 'get'>;
export type InboundTimeseriesParams = QueryParams<'/v1/inbound-metrics/timeseries', 'get'>;
export type RejectionsParams = QueryParams<'/v1/inbound-rejections', 'get'>;
export type InboundRejection = Item<ResponseData<'/v1/inbound-rejections', 'get'>>;

// Exports, API keys, projects, billing
export type CreateExportParams = RequestBody<'/v1/exports', 'post'>;
export type ExportRecord = ResponseData<'/v1/exports/{id}', 'get'>;
export type CreateApiKeyParams = RequestBody<'/v1/api-keys', 'post'>;
export type CreatedApiKey = ResponseData<'/v1/api-keys', 'post'>;
export type ApiKey = Item<ResponseData<'/v1/api-keys', 'get'>>;
export type ApiKeyDeleteResult = ResponseData<'/v1/api-keys/{key_id}', 'delete'>;
export type CreateProjectParams = RequestBody<'/v1/projects', 'post'>;
export type UpdateProjectParams = RequestBody<'/v1/projects/{id}', 'put'>;
export type Project = ResponseData<'/v1/projects/{id}', 'get'>;
export type Subscription = ResponseData<'/v1/billing/subscription', 'get'>;
// The server's document marks limit and offset required although both have defaults.
export type UsageHistoryParams = Partial<QueryParams<'/v1/billing/usage-history', 'get'>>;
export type UsagePeriod = Item<ResponseData<'/v1/billing/usage-history', 'get'>>;
export type InvoicesParams = QueryParams<'/v1/billing/invoices', 'get'>;
export type Invoice = Item<ResponseData<'/v1/billing/invoices', 'get'>>;
export interface CheckoutParams {
  plan: string;
  interval: 'monthly' | 'annual' | (string & {});
}
export interface PortalParams {
  return_url?: string;
}
