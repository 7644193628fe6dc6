import { query, request } from './http';
import type {
  ApiKey,
  Attempt,
  Bucket,
  CreatedApiKey,
  CreatedEndpoint,
  CreatedInbound,
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

async function page<T>(path: string, params: Params): Promise<Page<T>> {
  const { data, meta } = await request<T[]>('GET', `${path}${query(params)}`);
  return { rows: data, nextCursor: meta.next_cursor ?? null };
}

interface InboundLogRow extends Omit<MessageRow, 'endpoint_id' | 'created_at'> {
  inbound_endpoint_id: string;
  received_at: string;
}

export interface MessageFilters {
  status?: string | null;
  endpoint_id?: string | null;
  start_time?: string | null;
  end_time?: string | null;
}

/** Outbound logs and inbound logs, read into one row shape so one table shows both. */
export async function listMessages(
  direction: Direction,
  filters: MessageFilters,
  cursor: string | null,
  limit = 100,
): Promise<Page<MessageRow>> {
  const common = { status: filters.status, start_time: filters.start_time, end_time: filters.end_time, cursor, limit };
  if (direction === 'outbound') return page<MessageRow>('/v1/logs', { ...common, endpoint_id: filters.endpoint_id });
  const result = await page<InboundLogRow>('/v1/inbound-logs', {
    ...common,
    inbound_endpoint_id: filters.endpoint_id,
  });
  return {
    nextCursor: result.nextCursor,
    rows: result.rows.map(({ inbound_endpoint_id, received_at, ...rest }) => ({
      ...rest,
      endpoint_id: inbound_endpoint_id,
      created_at: received_at,
    })),
  };
}

const base = (direction: Direction) => (direction === 'outbound' ? '/v1/messages' : '/v1/inbound-messages');

export async function getMessage(direction: Direction, id: string): Promise<Message> {
  const { data } = await request<Message & { inbound_endpoint_id?: string; received_at?: string }>(
    'GET',
    `${base(direction)}/${id}`,
  );
  return {
    ...data,
    endpoint_id: data.endpoint_id ?? data.inbound_endpoint_id ?? '',
    created_at: data.created_at ?? data.received_at ?? '',
  };
}

export async function getAttempts(direction: Direction, id: string): Promise<Attempt[]> {
  return (await request<Attempt[]>('GET', `${base(direction)}/${id}/attempts`)).data;
}

export async function getPayload(direction: Direction, id: string): Promise<Payload> {
  return (await request<Payload>('GET', `${base(direction)}/${id}/payload`)).data;
}

export async function messageAction(direction: Direction, id: string, action: 'replay' | 'retry-now' | 'cancel') {
  return request<{ message_id: string; status: string }>('POST', `${base(direction)}/${id}/${action}`);
}

export const endpoints = {
  list: (cursor: string | null, limit = 100) => page<EndpointSummary>('/v1/endpoints', { cursor, limit }),
  get: async (id: string) => (await request<Endpoint>('GET', `/v1/endpoints/${id}`)).data,
  create: async (body: Partial<Endpoint>) => (await request<CreatedEndpoint>('POST', '/v1/endpoints', body)).data,
  update: async (id: string, body: Partial<Endpoint>) =>
    (await request<Endpoint>('PATCH', `/v1/endpoints/${id}`, body)).data,
  remove: (id: string) => request('DELETE', `/v1/endpoints/${id}`),
  pause: (id: string) => request('POST', `/v1/endpoints/${id}/pause`),
  resume: (id: string) => request('POST', `/v1/endpoints/${id}/resume`),
  signingKeys: async (id: string) => (await request<SigningKey[]>('GET', `/v1/endpoints/${id}/signing-keys`)).data,
  addSigningKey: async (id: string) =>
    (await request<{ id: string; signing_secret: string; key_hint: string }>('POST', `/v1/endpoints/${id}/signing-keys`))
      .data,
  deleteSigningKey: (id: string, keyId: string) => request('DELETE', `/v1/endpoints/${id}/signing-keys/${keyId}`),
};

export const inboundEndpoints = {
  list: (cursor: string | null, limit = 100) => page<InboundSummary>('/v1/inbound-endpoints', { cursor, limit }),
  get: async (id: string) => (await request<InboundEndpoint>('GET', `/v1/inbound-endpoints/${id}`)).data,
  create: async (body: Record<string, unknown>) =>
    (await request<CreatedInbound>('POST', '/v1/inbound-endpoints', body)).data,
  update: async (id: string, body: Record<string, unknown>) =>
    (await request<InboundEndpoint & { signing_secret?: string }>('PATCH', `/v1/inbound-endpoints/${id}`, body)).data,
  remove: (id: string) => request('DELETE', `/v1/inbound-endpoints/${id}`),
  pause: (id: string) => request('POST', `/v1/inbound-endpoints/${id}/pause`),
  resume: (id: string) => request('POST', `/v1/inbound-endpoints/${id}/resume`),
  signingKeys: async (id: string) =>
    (await request<SigningKey[]>('GET', `/v1/inbound-endpoints/${id}/signing-keys`)).data,
  addSigningKey: async (id: string) =>
    (
      await request<{ id: string; signing_secret: string; key_hint: string }>(
        'POST',
        `/v1/inbound-endpoints/${id}/signing-keys`,
      )
    ).data,
  deleteSigningKey: (id: string, keyId: string) =>
    request('DELETE', `/v1/inbound-endpoints/${id}/signing-keys/${keyId}`),
};

export async function sendTestEvent(endpointId: string): Promise<string> {
  const payload = {
    type: 'hookbridge.test',
    sent_from: 'console',
    sent_at: new Date().toISOString(),
  };
  const { data } = await request<{ message_id: string }>('POST', '/v1/webhooks/send', {
    endpoint_id: endpointId,
    payload,
  });
  return data.message_id;
}

export async function getMetrics(direction: Direction, window: Window, endpointId: string | null): Promise<Metrics> {
  const path = direction === 'outbound' ? '/v1/metrics' : '/v1/inbound-metrics';
  const key = direction === 'outbound' ? 'endpoint_id' : 'inbound_endpoint_id';
  return (await request<Metrics>('GET', `${path}${query({ window, [key]: endpointId })}`)).data;
}

export async function getTimeseries(direction: Direction, window: Window, endpointId: string | null): Promise<Bucket[]> {
  const path = direction === 'outbound' ? '/v1/metrics/timeseries' : '/v1/inbound-metrics/timeseries';
  const key = direction === 'outbound' ? 'endpoint_id' : 'inbound_endpoint_id';
  return (await request<{ buckets: Bucket[] }>('GET', `${path}${query({ window, [key]: endpointId })}`)).data.buckets;
}

export async function listDlq(cursor: string | null): Promise<Page<MessageRow>> {
  const { data } = await request<{ messages: MessageRow[]; next_cursor: string | null }>(
    'GET',
    `/v1/dlq/messages${query({ cursor, limit: 100 })}`,
  );
  return { rows: data.messages, nextCursor: data.next_cursor };
}

export const replayFromDlq = (id: string) => request('POST', `/v1/dlq/replay/${id}`);
export const replayAll = (status: string, endpointId: string | null) =>
  request<{ replayed: number; failed: number; stuck: number }>(
    'POST',
    `/v1/messages/replay-all${query({ status, endpoint_id: endpointId, limit: 1000 })}`,
  );

export const listRejections = (endpointId: string | null, cursor: string | null) =>
  page<Rejection>('/v1/inbound-rejections', { inbound_endpoint_id: endpointId, cursor, limit: 100 });

export const exportsApi = {
  list: async () => (await request<ExportRecord[]>('GET', '/v1/exports')).data,
  create: async (body: Record<string, unknown>) => (await request<ExportRecord>('POST', '/v1/exports', body)).data,
  remove: (id: string) => request('DELETE', `/v1/exports/${id}`),
  /** The browser follows the 302 to the signed file link itself, carrying the session cookie. */
  downloadHref: (id: string) => `/v1/exports/${id}/download`,
};

export const apiKeys = {
  list: async () => (await request<ApiKey[]>('GET', '/v1/api-keys')).data,
  create: async (body: { label?: string; mode: 'live' | 'test' }) =>
    (await request<CreatedApiKey>('POST', '/v1/api-keys', body)).data,
  remove: (id: string) => request('DELETE', `/v1/api-keys/${id}`),
};

export const projects = {
  get: async (id: string) => (await request<Project>('GET', `/v1/projects/${id}`)).data,
  update: async (id: string, body: { name?: string; rate_limit_default?: number }) =>
    (await request<Project>('PUT', `/v1/projects/${id}`, body)).data,
};

export const billing = {
  subscription: async () => (await request<Subscription>('GET', '/v1/billing/subscription')).data,
  usage: async () => (await request<UsageMonth[]>('GET', '/v1/billing/usage-history?limit=12')).data,
};
