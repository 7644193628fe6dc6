import { request } from 'undici';
import type { Context } from '../context.js';
import { maskUrl } from '../listen/forwarder.js';

interface Delivery {
  message_id: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

const HOP_BY_HOP = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive']);

/**
 * `hb replay <id> --to URL`: the request a delivery of the stored message would make now (the server
 * signs it with the endpoint's active keys), sent to a local URL. The message itself is not touched.
 */
export async function replayTo(ctx: Context, id: string, to: string, direction?: 'outbound' | 'inbound') {
  const client = ctx.client();
  const fetchDelivery = (base: string) =>
    client.request<{ data: Delivery }>({
      method: 'GET',
      path: `${base}/${encodeURIComponent(id)}/delivery`,
      retry: 'idempotent',
    });
  let delivery: Delivery;
  if (direction === 'inbound') delivery = (await fetchDelivery('/v1/inbound-messages')).body.data;
  else {
    try {
      delivery = (await fetchDelivery('/v1/messages')).body.data;
    } catch (error) {
      if (direction === 'outbound' || (error as { status?: number }).status !== 404) throw error;
      delivery = (await fetchDelivery('/v1/inbound-messages')).body.data;
    }
  }
  const headers = Object.fromEntries(
    Object.entries(delivery.headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
  );
  const started = performance.now();
  const response = await request(to, { method: 'POST', headers, body: Buffer.from(delivery.body, 'base64') });
  const answer = await response.body.text();
  const latency = Math.round(performance.now() - started);
  if (ctx.json) {
    ctx.printer.emit({
      message_id: delivery.message_id,
      url: to,
      status_code: response.statusCode,
      latency_ms: latency,
    });
    return;
  }
  const code = response.statusCode;
  const colour = code >= 200 && code < 300 ? 'green' : code >= 400 ? 'red' : 'yellow';
  ctx.printer.out(
    `Replayed ${delivery.message_id} to ${maskUrl(to)}: ${ctx.printer.paint(colour, String(code))} in ${latency}ms\n`,
  );
  if (answer) ctx.printer.out(`${answer.length > 2000 ? `${answer.slice(0, 2000)}…` : answer}\n`);
}
