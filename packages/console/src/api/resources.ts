// The console's calls to the public API, through @hookbridge/sdk where it has the call; the two console
// additions (the session exchange, message payloads) are plain requests to documented routes.
import type {
  CreateEndpointParams,
  CreateExportParams,
  CreateInboundEndpointParams,
  InboundLogsParams,
  LogsParams,
  ReplayAllParams,
  SendParams,
  UpdateEndpointParams,
  UpdateInboundEndpointParams,
} from '@hookbridge/sdk';
import { request } from './http';
import { hb } from './sdk';
import type {
  ApiKey,
  Attempt,
  Bucket,
  CreatedApiKey,
  CreatedEndpoint,
  CreatedInbound,
  Delivery,
  Direction,
  Endpoint,
  EndpointSummary,
  ExportRecord,
  InboundEndpoint,
  InboundSummary,
  Message,
  MessageRow,
  Metrics,
  Page,
  Payload,
  Project,
  Rejection,
  SigningKey,
  Subscription,
  UsageMonth,
  Window,
} from './types';

type Params = Record<string, string | number | null | undefined>;

/** Drops unset filters, so a query string carries only the filters actually set. */
function defined(params: Params): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(params).filter(([, value]) => value !== null && value !== undefined && value !== ''),
  ) as Record<string, string | number>;
}

/** An SDK page as the console's tables hold it. */
function rowsOf<T>(page: { data: unknown[]; nextCursor: string | null; hasMore: boolean }): Page<T> {
  return { rows: page.data as T[], nextCursor: page.hasMore ? page.nextCursor : null };
}

export interface MessageFilters {
  status?: string | null;
  endpoint_id?: string | null;
  start_time?: string | null;
  end_time?: string | null;
}

interface InboundLogRow extends Omit<MessageRow, 'endpoint_id' | 'created_at'> {
  inbound_endpoint_id: string;
  received_at: string;
}

/** Outbound logs and inbound logs, read into one row shape so one table shows both. */
export async function listMessages(
  direction: Direction,
  filters: MessageFilters,
  cursor: string | null,
  limit = 100,
): Promise<Page<MessageRow>> {
  const common = {
    status: filters.status,
    start_time: filters.start_time,
    end_time: filters.end_time,
    cursor,
    limit,
  };
  if (direction === 'outbound') {
    return rowsOf(await hb.logs.list(defined({ ...common, endpoint_id: filters.endpoint_id }) as LogsParams));
  }
  const page = rowsOf<InboundLogRow>(
    await hb.inbound.logs.list(
      defined({ ...common, inbound_endpoint_id: filters.endpoint_id }) as InboundLogsParams,
    ),
  );
  return {
    nextCursor: page.nextCursor,
    rows: page.rows.map(({ inbound_endpoint_id, received_at, ...rest }) => ({
      ...rest,
      endpoint_id: inbound_endpoint_id,
      created_at: received_at,
    })),
  };
}

export async function getMessage(direction: Direction, id: string): Promise<Message> {
  if (direction === 'outbound') return (await hb.messages.get(id)) as Message;
  const inbound = (await hb.inbound.messages.get(id)) as unknown as Message & {
    inbound_endpoint_id: string;
    received_at: string;
  };
  return { ...inbound, endpoint_id: inbound.inbound_endpoint_id, created_at: inbound.received_at };
}

export async function getAttempts(direction: Direction, id: string): Promise<Attempt[]> {
  const page =
    direction === 'outbound' ? await hb.messages.attempts(id) : await hb.inbound.messages.attempts(id);
  return page.data as Attempt[];
}

/** GET /v1/messages/{id}/payload (or the inbound twin): not in the SDK yet. */
export async function getPayload(direction: Direction, id: string): Promise<Payload> {
  const base = direction === 'outbound' ? '/v1/messages' : '/v1/inbound-messages';
  return (await request<Payload>('GET', `${base}/${id}/payload`)).data;
}

/** The request a delivery would make now, signed with the endpoint's current keys; sends nothing. */
export function getDelivery(direction: Direction, id: string): Promise<Delivery> {
  return direction === 'outbound' ? hb.messages.delivery(id) : hb.inbound.messages.delivery(id);
}

export async function messageAction(
  direction: Direction,
  id: string,
  action: 'replay' | 'retry-now' | 'cancel',
): Promise<{ status: string }> {
  if (direction === 'inbound') {
    if (action !== 'replay') throw new Error(`${action} is not an inbound operation`);
    return hb.inbound.messages.replay(id) as Promise<{ status: string }>;
  }
  if (action === 'replay') return hb.messages.replay(id) as Promise<{ status: string }>;
  if (action === 'retry-now') return hb.messages.retryNow(id) as Promise<{ status: string }>;
  return hb.messages.cancel(id) as Promise<{ status: string }>;
}

export const endpoints = {
  list: async (cursor: string | null, limit = 100) =>
    rowsOf<EndpointSummary>(await hb.endpoints.list(defined({ cursor, limit }))),
  get: async (id: string) => (await hb.endpoints.get(id)) as Endpoint,
  create: async (body: Partial<Endpoint>) =>
    (await hb.endpoints.create(body as CreateEndpointParams)) as CreatedEndpoint,
  update: async (id: string, body: Partial<Endpoint>) =>
    (await hb.endpoints.update(id, body as UpdateEndpointParams)) as unknown as Endpoint,
  remove: (id: string) => hb.endpoints.delete(id),
  pause: (id: string) => hb.endpoints.pause(id),
  resume: (id: string) => hb.endpoints.resume(id),
  signingKeys: async (id: string) => (await hb.endpoints.signingKeys.list(id)) as SigningKey[],
  addSigningKey: async (id: string) =>
    (await hb.endpoints.signingKeys.create(id)) as { id: string; signing_secret: string; key_hint: string },
  deleteSigningKey: (id: string, keyId: string) => hb.endpoints.signingKeys.delete(id, keyId),
};

export const inboundEndpoints = {
  list: async (cursor: string | null, limit = 100) =>
    rowsOf<InboundSummary>(await hb.inbound.endpoints.list(defined({ cursor, limit }))),
  get: async (id: string) => (await hb.inbound.endpoints.get(id)) as InboundEndpoint,
  create: async (body: Record<string, unknown>) =>
    (await hb.inbound.endpoints.create(body as CreateInboundEndpointParams)) as unknown as CreatedInbound,
  update: async (id: string, body: Record<string, unknown>) =>
    (await hb.inbound.endpoints.update(
      id,
      body as UpdateInboundEndpointParams,
    )) as unknown as InboundEndpoint & {
      signing_secret?: string;
    },
  remove: (id: string) => hb.inbound.endpoints.delete(id),
  pause: (id: string) => hb.inbound.endpoints.pause(id),
  resume: (id: string) => hb.inbound.endpoints.resume(id),
  signingKeys: async (id: string) => (await hb.inbound.endpoints.signingKeys.list(id)) as SigningKey[],
  addSigningKey: async (id: string) =>
    (await hb.inbound.endpoints.signingKeys.create(id)) as {
      id: string;
      signing_secret: string;
      key_hint: string;
    },
  deleteSigningKey: (id: string, keyId: string) => hb.inbound.endpoints.signingKeys.delete(id, keyId),
};

/** A real send to the endpoint: signed and delivered like any other message. */
export async function sendTestEvent(endpointId: string): Promise<string> {
  const payload = { type: 'hookbridge.test', sent_from: 'console', sent_at: new Date().toISOString() };
  const sent = await hb.webhooks.send({ endpoint_id: endpointId, payload } as SendParams);
  return (sent as { message_id: string }).message_id;
}

export async function getMetrics(
  direction: Direction,
  window: Window,
  endpointId: string | null,
): Promise<Metrics> {
  if (direction === 'outbound')
    return (await hb.metrics.get(defined({ window, endpoint_id: endpointId }))) as Metrics;
  return (await hb.inbound.metrics.get(defined({ window, inbound_endpoint_id: endpointId }))) as Metrics;
}

export async function getTimeseries(
  direction: Direction,
  window: Window,
  endpointId: string | null,
): Promise<Bucket[]> {
  const series =
    direction === 'outbound'
      ? await hb.metrics.timeseries(defined({ window, endpoint_id: endpointId }))
      : await hb.inbound.metrics.timeseries(defined({ window, inbound_endpoint_id: endpointId }));
  return series.buckets as Bucket[];
}

export async function listDlq(cursor: string | null): Promise<Page<MessageRow>> {
  return rowsOf<MessageRow>(await hb.dlq.list(defined({ cursor, limit: 100 })));
}

export const replayFromDlq = (id: string) => hb.dlq.replay(id);
export const replayAll = (status: string, endpointId: string | null) =>
  hb.messages.replayAll(
    defined({ status, endpoint_id: endpointId, limit: 1000 }) as ReplayAllParams,
  ) as Promise<{
    replayed: number;
    failed: number;
    stuck: number;
  }>;

export const listRejections = async (endpointId: string | null, cursor: string | null) =>
  rowsOf<Rejection>(
    await hb.inbound.rejections.list(defined({ inbound_endpoint_id: endpointId, cursor, limit: 100 })),
  );

export const exportsApi = {
  list: async () => (await hb.exports.list()) as ExportRecord[],
  create: async (body: Record<string, unknown>) =>
    (await hb.exports.create(body as CreateExportParams)) as ExportRecord,
  remove: (id: string) => hb.exports.delete(id),
  /** The browser follows the 302 to the signed file link itself, carrying the session cookie. */
  downloadHref: (id: string) => `/v1/exports/${id}/download`,
};

export const apiKeys = {
  list: async () => (await hb.apiKeys.list()) as ApiKey[],
  create: async (body: { label?: string; mode: 'live' | 'test' }) =>
    (await hb.apiKeys.create(body)) as CreatedApiKey,
  remove: (id: string) => hb.apiKeys.delete(id),
};

export const projects = {
  list: async () => (await hb.projects.list()) as Project[],
  get: async (id: string) => (await hb.projects.get(id)) as Project,
  update: async (id: string, body: { name?: string; rate_limit_default?: number }) =>
    (await hb.projects.update(id, body)) as Project,
};

export const billing = {
  subscription: async () => (await hb.billing.subscription()) as unknown as Subscription,
  usage: async () => (await hb.billing.usageHistory({ limit: 12 })).data as UsageMonth[],
};
