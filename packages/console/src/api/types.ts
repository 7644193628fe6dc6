/** The API's shapes as the console reads them (the server's route schemas are the source). */
export type MessageStatus = 'queued' | 'delivering' | 'succeeded' | 'pending_retry' | 'failed_permanent';
export type Direction = 'outbound' | 'inbound';
/** GET /v1/messages/{id}/delivery (and the inbound twin): the signed request a delivery would make now. */
export type { Delivery } from '@hookbridge/sdk';
export type Window = '1h' | '24h' | '7d' | '30d';

export interface EndpointSummary {
  id: string;
  url: string;
  description: string | null;
  paused: boolean;
  created_at: string;
}
export interface Endpoint extends EndpointSummary {
  rate_limit_rps: number;
  burst: number;
  headers: Record<string, string>;
  hmac_enabled: boolean;
  updated_at: string;
}
export interface CreatedEndpoint {
  id: string;
  url: string;
  signing_key_id: string;
  signing_secret: string;
  key_hint: string;
}
export interface SigningKey {
  id: string;
  key_hint: string;
  created_at: string;
}
export interface CreatedSigningKey {
  id?: string;
  signing_key_id?: string;
  secret?: string;
  signing_secret?: string;
  key_hint?: string;
}

export interface InboundSummary {
  id: string;
  name: string;
  url: string;
  mode: 'forward' | 'cli';
  active: boolean;
  paused: boolean;
  created_at: string;
}
export interface InboundEndpoint extends InboundSummary {
  description: string | null;
  verify_static_token: boolean;
  token_header_name: string | null;
  token_query_param: string | null;
  verify_hmac: boolean;
  hmac_header_name: string | null;
  timestamp_header_name: string | null;
  timestamp_ttl_seconds: number | null;
  verify_ip_allowlist: boolean;
  allowed_cidrs: string[];
  ingest_response_code: number;
  idempotency_header_names: string[];
  signing_enabled: boolean;
  ingest_url: string | null;
  updated_at: string;
}
export interface CreatedInbound {
  id: string;
  ingest_url: string;
  secret_token: string;
  signing_secret?: string;
}

/** A row of /v1/logs or /v1/inbound-logs, normalised to one shape. */
export interface MessageRow {
  message_id: string;
  endpoint_id: string;
  endpoint: string;
  status: MessageStatus;
  attempt_count: number;
  created_at: string;
  delivered_at?: string;
  response_status?: number;
  response_latency_ms?: number;
  last_error?: string;
}

export interface Message {
  id: string;
  endpoint_id: string;
  status: MessageStatus;
  attempt_count: number;
  replay_count: number;
  content_type?: string;
  size_bytes?: number;
  payload_sha256?: string;
  idempotency_key?: string;
  next_attempt_at?: string;
  last_error?: string;
  response_status?: number;
  response_latency_ms?: number;
  delivered_at?: string;
  created_at: string;
  mode?: 'live' | 'test';
}

export interface Attempt {
  id: string;
  attempt_no: number;
  created_at: string;
  response_status?: number;
  response_latency_ms?: number;
  error_text?: string;
  request_headers?: Record<string, string>;
  response_headers?: Record<string, string>;
  response_body?: string;
  retry_type?: 'slow' | 'fast';
  retry_after_seconds?: number;
  resolved_ip?: string;
  dns_ms?: number;
  tcp_connect_ms?: number;
  tls_handshake_ms?: number;
  ttfb_ms?: number;
  transfer_ms?: number;
  conn_reused?: boolean;
}

export interface Payload {
  message_id: string;
  content_type: string;
  size_bytes: number;
  headers: Record<string, string>;
  body: string;
  body_encoding: 'utf8' | 'base64';
}

export interface Metrics {
  window: Window;
  total_messages: number;
  succeeded: number;
  failed: number;
  retries: number;
  success_rate: number;
  avg_latency_ms: number;
}
export interface Bucket {
  timestamp: string;
  succeeded: number;
  failed: number;
  retrying: number;
  total: number;
  avg_latency_ms: number;
}

export interface Rejection {
  id: string;
  reason_code: string;
  reason_detail?: string | null;
  received_at: string;
  inbound_endpoint_id: string | null;
  source_ip?: string | null;
  headers_redacted?: string | null;
}

export interface ExportRecord {
  id: string;
  status: 'pending' | 'processing' | 'completed' | 'failed' | 'expired';
  direction: Direction;
  filter_start_time: string;
  filter_end_time: string;
  filter_status?: string | null;
  row_count?: number | null;
  file_size_bytes?: number | null;
  error_message?: string | null;
  created_at: string;
  completed_at?: string | null;
  expires_at?: string | null;
}

export interface ApiKey {
  key_id: string;
  label: string | null;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
}
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface Project {
  id: string;
  name: string;
  status: string;
  rate_limit_default: number;
  created_at: string;
}

export interface Subscription {
  plan: string;
  status: string;
  limits: Record<string, number | string | null>;
  usage: { messages_used: number; period_start: string; period_end: string };
}
export interface UsageMonth {
  period_start: string;
  period_end: string;
  message_count: number;
  overage_count: number;
  plan_limit: number | null;
}

export interface Page<T> {
  rows: T[];
  nextCursor: string | null;
}
