import assert from 'node:assert/strict';
import type { TestServer } from './server.js';
import type { paths } from '@hookbridge/sdk';
import type { Answer, client } from './http.js';

type Api = ReturnType<typeof client>;

export interface CreatedInbound {
  id: string;
  ingest_url: string;
  secret_token: string;
  signing_secret?: string;
}

export async function createInbound(api: Api, body: Record<string, unknown>): Promise<CreatedInbound> {
  const response = await api('POST', '/v1/inbound-endpoints', { body });
  assert.equal(response.status, 201, response.text);
  return response.body.data;
}

/** The ingest URL's success answer (any 2xx: the endpoint's ingest_response_code). */
export type IngestAnswer =
  paths['/v1/webhooks/receive/{id}/{token}']['post']['responses']['2XX']['content']['application/json'];

/** POSTs (or other methods) raw bytes to an ingest URL, the way a provider would. */
export async function ingest(
  url: string,
  options: { method?: string; body?: Uint8Array | string; headers?: Record<string, string> } = {},
) {
  const response = await fetch(url, {
    method: options.method ?? 'POST',
    headers: options.headers ?? {},
    body: options.body,
  });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  return { status: response.status, headers: response.headers, body: body as Answer<IngestAnswer>, text };
}

export interface RejectionRow {
  reason_code: string;
  reason_detail: string | null;
  source_ip: string | null;
  headers_redacted: string | null;
  inbound_endpoint_id: string | null;
  project_id: string | null;
}

/** The rejections recorded for an endpoint (or with no endpoint, for null), oldest first. */
export function rejectionsOf(server: TestServer, endpointId: string | null): Promise<RejectionRow[]> {
  return server.store.db.query<RejectionRow>(
    `SELECT reason_code, reason_detail, source_ip, headers_redacted, inbound_endpoint_id::text, project_id::text
       FROM inbound_rejections
      WHERE inbound_endpoint_id IS NOT DISTINCT FROM $1::uuid ORDER BY received_at, id`,
    [endpointId],
  );
}

/** The inbound_messages columns the tests read (migrations/ has the table). */
export interface InboundMessageRow {
  id: string;
  status: string;
  held: boolean;
  payload: Uint8Array | null;
  content_type: string | null;
  size_bytes: number;
  headers: Record<string, string>;
  source_ip: string | null;
  attempt_count: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  response_status: number | null;
  response_latency_ms: number | null;
  delivered_at: Date | null;
  handed_over_at: Date | null;
  request_method: string | null;
  path_suffix: string | null;
  query_string: string | null;
}

export async function messageRow(server: TestServer, id: string): Promise<InboundMessageRow> {
  const [row] = await server.store.db.query<InboundMessageRow>(
    'SELECT * FROM inbound_messages WHERE id = $1',
    [id],
  );
  assert.ok(row, `inbound message ${id} is stored`);
  return row;
}
