import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { client, ResponseBody, ResponseData } from './http.js';

export type Api = ReturnType<typeof client>;
export type Message = ResponseData<'/v1/messages/{id}', 'get'>;
export type Attempt = ResponseData<'/v1/messages/{id}/attempts', 'get'>[number];

export async function createEndpoint(api: Api, url: string, extra: Record<string, unknown> = {}) {
  const response = await api('POST', '/v1/endpoints', { body: { url, ...extra } });
  assert.equal(response.status, 201, response.text);
  return response.body.data as { id: string; signing_secret: string; signing_key_id: string };
}

export async function send(
  api: Api,
  endpointId: string,
  payload: unknown,
  extra: Record<string, unknown> = {},
) {
  const response = await api('POST', '/v1/webhooks/send', {
    body: { endpoint_id: endpointId, payload, ...extra },
  });
  assert.equal(response.status, 202, response.text);
  return response.body.data.message_id as string;
}

/** Polls GET /v1/messages/{id} until `done` holds for it. */
export async function waitForMessage(
  api: Api,
  id: string,
  done: (message: Message) => boolean,
  timeoutMs = 15_000,
): Promise<Message> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await api<ResponseBody<'/v1/messages/{id}', 'get'>>('GET', `/v1/messages/${id}`);
    assert.equal(response.status, 200, response.text);
    if (done(response.body.data)) return response.body.data;
    if (Date.now() > deadline) assert.fail(`message ${id} never got there; last: ${response.text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const hasStatus =
  (...statuses: string[]) =>
  (message: { status: string }) =>
    statuses.includes(message.status);

export async function attemptsOf(api: Api, id: string): Promise<Attempt[]> {
  const response = await api<ResponseBody<'/v1/messages/{id}/attempts', 'get'>>(
    'GET',
    `/v1/messages/${id}/attempts`,
  );
  assert.equal(response.status, 200, response.text);
  return response.body.data;
}

/**
 * An independent verifier, written from the spec's definition rather than the server's code: HMAC-SHA256
 * keyed by the whsec_ string as UTF-8 over "{X-Webhook-Timestamp}.{raw body}", lowercase hex, `sha256=`
 * prefix, comma-separated entries of which any may match.
 */
export function verifySignature(secret: string, headers: Record<string, unknown>, body: Buffer): boolean {
  const header = String(headers['x-webhook-signature'] ?? '');
  const timestamp = String(headers['x-webhook-timestamp'] ?? '');
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${timestamp}.`).update(body).digest('hex')}`,
  );
  return header.split(',').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
