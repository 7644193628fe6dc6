import { type Command, Option } from 'commander';
import { type CliClient, describeError, USER_AGENT } from '../api.js';
import { requireKey } from '../config.js';
import { Context } from '../context.js';
import { CliError } from '../errors.js';
import { DEFAULT_TIMINGS, ListenEngine, type Timings } from '../listen/engine.js';
import { Forwarder, type ForwardResult } from '../listen/forwarder.js';
import { HandledFile, handledPath } from '../listen/handled-file.js';
import { renderWebhook } from '../listen/render.js';
import { bodyBytes, type IncomingWebhook, type PollSource } from '../listen/types.js';
import { VERSION } from '../version.js';
import { collect, parseHeader, positiveInt } from './parse.js';

interface ListenOptions {
  port: number;
  forward?: string | false;
  verbose?: boolean;
  endpoint?: string;
  path?: string;
  header: string[];
  concurrency: number;
}

interface CliEndpoint {
  id: string;
  name: string;
  mode?: string;
  ingest_url?: string | null;
}

/** `--endpoint` as given, or the project's first cli-mode endpoint, created when there is none. */
async function resolveEndpoint(
  ctx: Context,
  client: CliClient,
  id: string | undefined,
): Promise<CliEndpoint> {
  if (id) {
    let endpoint: CliEndpoint;
    try {
      endpoint = (await client.inbound.endpoints.get(id)) as CliEndpoint;
    } catch (error) {
      if ((error as { status?: number }).status === 404) throw new CliError(`endpoint ${id} not found`);
      throw error;
    }
    if (endpoint.mode !== 'cli') throw new CliError(`endpoint ${id} is not in CLI mode`);
    return endpoint;
  }
  for await (const endpoint of client.inbound.endpoints.list()) {
    if ((endpoint as CliEndpoint).mode === 'cli') return endpoint as CliEndpoint;
  }
  ctx.printer.note('Creating CLI endpoint... ');
  const created = (await client.inbound.endpoints.create({
    mode: 'cli',
    name: 'CLI Endpoint',
  } as never)) as CliEndpoint;
  ctx.printer.note('done\n');
  return created;
}

function pollSource(client: CliClient, endpointId: string): PollSource {
  const path = `/v1/inbound-endpoints/${encodeURIComponent(endpointId)}/listen`;
  return {
    async poll(after, signal) {
      // The server holds an empty poll up to 25 s; the official CLI allows 35 s.
      const response = await client.request<{
        data: IncomingWebhook[];
        meta: { next_cursor: string | null; has_more?: boolean };
      }>(
        { method: 'GET', path, query: { ack: 1, after }, retry: 'idempotent' },
        { signal, timeout: 35_000, maxRetries: 0 },
      );
      return {
        messages: response.body.data,
        nextCursor: response.body.meta.next_cursor,
        hasMore: response.body.meta.has_more ?? false,
      };
    },
    async ack(acks) {
      await client.request({ method: 'POST', path: `${path}/ack`, body: { acks }, retry: 'idempotent' });
    },
  };
}

function timingsFromEnv(): Timings {
  const read = (name: string, fallback: number) => {
    const value = Number(process.env[name]);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  return {
    connectTries: DEFAULT_TIMINGS.connectTries,
    backoffMs: read('HB_LISTEN_BACKOFF_MS', DEFAULT_TIMINGS.backoffMs),
    wsRetryMs: read('HB_LISTEN_WS_RETRY_MS', DEFAULT_TIMINGS.wsRetryMs),
    pollRetryMs: read('HB_LISTEN_POLL_RETRY_MS', DEFAULT_TIMINGS.pollRetryMs),
    readDeadlineMs: read('HB_LISTEN_READ_DEADLINE_MS', DEFAULT_TIMINGS.readDeadlineMs),
  };
}

function targetUrl(options: ListenOptions): string | null {
  if (options.forward === false) return null;
  const base = options.forward || `http://localhost:${options.port}`;
  if (!options.path) return base;
  return `${base.replace(/\/+$/, '')}/${options.path.replace(/^\/+/, '')}`;
}

async function listen(command: Command, options: ListenOptions): Promise<void> {
  const ctx = Context.of(command);
  const { printer } = ctx;
  const settings = ctx.settings();
  const apiKey = requireKey(settings);
  const client = ctx.client();
  const endpoint = await resolveEndpoint(ctx, client, options.endpoint);
  const target = targetUrl(options);
  const extraHeaders = Object.fromEntries(options.header.map(parseHeader));

  // Handled before "Ready" is printed: until Node has a listener, the OS's default for SIGINT ends the
  // process at once, and a Ctrl-C right after "Ready" (or a script reacting to it) killed hb unsummarised.
  const stop = new AbortController();
  const onSignal = () => {
    // A second Ctrl-C does not wait for forwards in flight.
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  printer.out(`\nHookBridge CLI v${VERSION}\n`);
  printer.out(`Endpoint: ${endpoint.name} (${endpoint.id})\n`);
  printer.out(`\nWebhook URL: ${endpoint.ingest_url ?? '(shown only when the endpoint was created)'}\n`);
  printer.out("\nPaste this URL into your webhook provider's settings.\n");
  if (target) printer.out(`Forwarding to ${target}\n`);
  else printer.out('Inspect mode — webhooks will be displayed but not forwarded.\n');
  if (printer.json) printer.emit({ event: 'ready', endpoint_id: endpoint.id, forward_to: target ?? '' });
  else printer.out('Ready. Waiting for webhooks...\n');

  const verbose = options.verbose === true && !printer.json;
  const forwarder = target ? new Forwarder(target, extraHeaders, options.concurrency, verbose) : null;
  const stats = { ok: 0, failed: 0 };
  const engine = new ListenEngine({
    streamUrl: settings.streamUrl,
    apiKey,
    endpointId: endpoint.id,
    userAgent: USER_AGENT,
    source: pollSource(client, endpoint.id),
    concurrency: options.concurrency,
    timings: timingsFromEnv(),
    events: { status: (m) => printer.status(m), error: (m) => printer.error(m) },
    memory: forwarder ? new HandledFile(handledPath(endpoint.id), (m) => printer.error(m)) : undefined,
    async handle(message) {
      const size = message.size_bytes || bodyBytes(message).length;
      let result: ForwardResult | null = null;
      if (forwarder) {
        result = await forwarder.forward(message);
        if (result.error) stats.failed++;
        else stats.ok++;
      }
      renderWebhook(printer, message, size, result, verbose);
      return result?.statusCode !== undefined
        ? { status_code: result.statusCode, latency_ms: result.latencyMs ?? 0 }
        : {};
    },
  });

  try {
    await engine.run(stop.signal);
  } catch (error) {
    throw describeError(error);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await forwarder?.close();
  }
  if (printer.json) printer.emit({ event: 'shutdown', received: engine.received });
  else {
    printer.out(`\nShutting down. ${engine.received} webhook(s) received.\n`);
    if (forwarder) printer.out(`${stats.ok} forwarded, ${stats.failed} failed to forward.\n`);
  }
}

export function listenCommand(program: Command): void {
  program
    .command('listen')
    .description('Listen for webhooks and forward to localhost')
    .argument('[port]', 'localhost port to forward to (same as --port)')
    .addOption(
      new Option('-p, --port <port>', 'Localhost port to forward to').default(3000).argParser(positiveInt),
    )
    .option('--forward <url>', 'Full URL to forward to (overrides --port)')
    .option('--no-forward', 'Display webhooks without forwarding')
    .option('-v, --verbose', 'Show full headers and body')
    .option('--endpoint <id>', 'Use a specific endpoint by ID')
    .option('--path <path>', 'Path appended to the forward URL')
    .option(
      '-H, --header <header>',
      'Extra header for forwarded requests, "Name: value" (repeatable)',
      collect,
      [],
    )
    .addOption(
      new Option('--concurrency <n>', 'Webhooks forwarded at once').default(50).argParser(positiveInt),
    )
    .action(async (port: string | undefined, options: ListenOptions, command: Command) => {
      if (port !== undefined) options.port = positiveInt(port);
      await listen(command, options);
    });
}
