import type { Printer } from '../output.js';
import type { ForwardResult } from './forwarder.js';
import { bodyBytes, type IncomingWebhook, methodOf } from './types.js';

const clock = () => new Date().toTimeString().slice(0, 8);

/** Printable text, or a placeholder for bytes that are not (binary bodies). */
function showBody(bytes: Buffer): string {
  if (bytes.length === 0) return '';
  const text = bytes.toString('utf8');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control bytes is the point.
  if (text.includes('\uFFFD') || /[\x00-\x08\x0e-\x1f]/.test(text))
    return `<${bytes.length} bytes of binary data>`;
  try {
    return JSON.stringify(JSON.parse(text), null, 2).replace(/\n/g, '\n  ');
  } catch {
    return text;
  }
}

/** The --json `webhook` event, field for field as the official CLI emits it. */
export function webhookEvent(message: IncomingWebhook, size: number, result: ForwardResult | null) {
  const event: Record<string, unknown> = {
    event: 'webhook',
    id: message.message_id,
    content_type: message.content_type,
    size_bytes: size,
    received_at: message.received_at,
    forwarded: false,
  };
  if (result?.error) event.error = result.error;
  else if (result) {
    event.forwarded = true;
    event.status_code = result.statusCode;
    event.latency_ms = result.latencyMs;
  }
  return event;
}

/**
 * One line per webhook, the official CLI's `12:34:01  POST  →  200  89ms  application/json  (42 bytes)`
 * with the message id after it; with -v the request and response headers and bodies below.
 */
export function renderWebhook(
  printer: Printer,
  message: IncomingWebhook,
  size: number,
  result: ForwardResult | null,
  verbose: boolean,
): void {
  if (printer.json) {
    printer.emit(webhookEvent(message, size, result));
    return;
  }
  const now = clock();
  const id = printer.paint('dim', message.message_id);
  if (!result) printer.out(`${now}  ${methodOf(message)}  ${message.content_type}  (${size} bytes)  ${id}\n`);
  else if (result.error)
    printer.out(
      `${now}  ${methodOf(message)}  →  ${printer.paint('yellow', 'ERR')}  ${result.error}  ${id}\n`,
    );
  else {
    const code = result.statusCode!;
    const colour = code >= 200 && code < 300 ? 'green' : code >= 400 ? 'red' : 'yellow';
    printer.out(
      `${now}  ${methodOf(message)}  →  ${printer.paint(colour, String(code))}  ${result.latencyMs}ms  ${message.content_type}  (${size} bytes)  ${id}\n`,
    );
  }
  if (!verbose) return;
  const headers = result?.request.headers ?? message.headers;
  printer.out('  Headers:\n');
  for (const [name, value] of Object.entries(headers)) printer.out(`    ${name}: ${value}\n`);
  const body = showBody(result?.request.body ?? bodyBytes(message));
  if (body) printer.out(`  Body:\n  ${body}\n`);
  if (result?.response) {
    printer.out(`  Response ${result.statusCode}:\n`);
    for (const [name, value] of Object.entries(result.response.headers))
      printer.out(`    ${name}: ${Array.isArray(value) ? value.join(', ') : value}\n`);
    const answer = showBody(result.response.body);
    if (answer) printer.out(`  Response body:\n  ${answer}\n`);
  }
  printer.out('\n');
}
