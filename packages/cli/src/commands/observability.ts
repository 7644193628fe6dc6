import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { type Command, Option } from 'commander';
import { request } from 'undici';
import { Context } from '../context.js';
import { CliError } from '../errors.js';
import { cell, showList, showRecord } from '../present.js';
import { table } from '../table.js';
import { LOG_COLUMNS, logPages } from './messages.js';
import { parseTime, positiveInt } from './parse.js';

const BARS = ' ▁▂▃▄▅▆▇█';

/** A one-line chart of a series, scaled to its maximum. */
export function sparkline(values: number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => (max === 0 ? BARS[0] : BARS[Math.round((v / max) * (BARS.length - 1))])).join('');
}

const windowOption = () =>
  new Option('--window <window>', 'Time window').choices(['1h', '24h', '7d', '30d']).default('24h');

interface Bucket {
  [key: string]: unknown;
  timestamp?: string;
  bucket_start?: string;
}

function metricsCommand(program: Command): void {
  program
    .command('metrics')
    .description('Delivery metrics of a window, and a chart of its time series')
    .addOption(windowOption())
    .option('--endpoint <id>', 'Only this endpoint')
    .option('--inbound', 'Inbound (received) messages instead of outbound')
    .option('--no-chart', 'Skip the time series')
    .action(
      async (
        options: { window: string; endpoint?: string; inbound?: boolean; chart: boolean },
        command: Command,
      ) => {
        const ctx = Context.of(command);
        const client = ctx.client();
        const query = {
          window: options.window,
          ...(options.endpoint
            ? { [options.inbound ? 'inbound_endpoint_id' : 'endpoint_id']: options.endpoint }
            : {}),
        };
        const source = options.inbound ? client.inbound.metrics : client.metrics;
        const [summary, series] = await Promise.all([
          source.get(query as never) as Promise<Record<string, unknown>>,
          options.chart ? (source.timeseries(query as never) as Promise<unknown>) : Promise.resolve(null),
        ]);
        if (ctx.json) return ctx.printer.emit({ ...summary, ...(series ? { timeseries: series } : {}) });
        const entries = Object.entries(summary).filter(([key]) => key !== 'window');
        ctx.printer.out(`Metrics, last ${options.window}${options.inbound ? ' (inbound)' : ''}\n`);
        ctx.printer.out(
          table(
            ['METRIC', 'VALUE'],
            entries.map(([k, v]) => [k, cell(v)]),
          ),
        );
        const buckets = (
          Array.isArray(series) ? series : ((series as { buckets?: Bucket[] } | null)?.buckets ?? [])
        ) as Bucket[];
        if (buckets.length === 0) return;
        ctx.printer.out('\n');
        const numeric = Object.keys(buckets[0]!).filter((key) => typeof buckets[0]![key] === 'number');
        const width = Math.max(...numeric.map((k) => k.length));
        for (const key of numeric) {
          const values = buckets.map((b) => Number(b[key]) || 0);
          ctx.printer.out(
            `${key.padEnd(width)}  ${ctx.printer.paint('green', sparkline(values))}  max ${Math.max(...values)}\n`,
          );
        }
        const first = buckets[0]!.timestamp ?? buckets[0]!.bucket_start;
        const last = buckets.at(-1)!.timestamp ?? buckets.at(-1)!.bucket_start;
        if (first && last)
          ctx.printer.out(`${''.padEnd(width)}  ${first} … ${last} (${buckets.length} buckets)\n`);
      },
    );
}

function exportCommands(program: Command): void {
  const exports = program.command('exports').description('CSV exports of messages');
  exports
    .command('create')
    .description('Start an export of the messages created in a time range')
    .requiredOption('--since <when>', 'Start: a duration before now (7d) or an RFC 3339 time', parseTime)
    .option('--until <when>', 'End (default: now)', parseTime)
    .option('--status <status>', 'Only this status')
    .option('--endpoint <id>', 'Only this endpoint')
    .addOption(
      new Option('--direction <direction>', 'outbound or inbound')
        .choices(['outbound', 'inbound'])
        .default('outbound'),
    )
    .option('--wait', 'Wait until it is built, with a progress line')
    .action(async (options, command: Command) => {
      const ctx = Context.of(command);
      const client = ctx.client();
      const inbound = options.direction === 'inbound';
      const body = {
        start_time: (options.since as Date).toISOString(),
        end_time: ((options.until as Date | undefined) ?? new Date()).toISOString(),
        ...(options.status ? { status: options.status } : {}),
        ...(inbound ? { direction: 'inbound' } : {}),
        ...(options.endpoint ? { [inbound ? 'inbound_endpoint_id' : 'endpoint_id']: options.endpoint } : {}),
      };
      let record = (await client.exports.create(body as never)) as { id: string; status: string };
      if (options.wait) record = await waitForExport(ctx, record.id);
      showRecord(ctx, record);
    });
  exports
    .command('get <id>')
    .description('An export’s status')
    .action(async (id: string, _o, command: Command) => {
      const ctx = Context.of(command);
      showRecord(ctx, await ctx.client().exports.get(id));
    });
  exports
    .command('list')
    .description('Exports of the project')
    .action(async (_o, command: Command) => {
      const ctx = Context.of(command);
      showList(
        ctx,
        (await ctx.client().exports.list()) as object[],
        ['id', 'status', 'row_count', 'created_at'],
        'No exports.',
      );
    });
  exports
    .command('download <id>')
    .description('Wait for an export and save its CSV, with a progress indicator')
    .option('-o, --output <file>', 'Where to write it (default: export-<id>.csv; - for stdout)')
    .action(async (id: string, options: { output?: string }, command: Command) => {
      const ctx = Context.of(command);
      await waitForExport(ctx, id);
      const url = await ctx.client().exports.download(id);
      // The signed link needs no key: a plain file download, not an API call.
      const response = await request(url, { method: 'GET' });
      if (response.statusCode !== 200) throw new CliError(`download answered ${response.statusCode}`);
      const total = Number(response.headers['content-length'] ?? 0);
      let received = 0;
      response.body.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (process.stderr.isTTY && !ctx.json)
          ctx.printer.note(
            `\rDownloading… ${received} bytes${total ? ` of ${total} (${Math.round((received / total) * 100)}%)` : ''}`,
          );
      });
      const path = options.output ?? `export-${id}.csv`;
      await pipeline(response.body, path === '-' ? process.stdout : createWriteStream(path));
      if (process.stderr.isTTY && !ctx.json) ctx.printer.note('\n');
      if (path === '-') return;
      if (ctx.json) ctx.printer.emit({ id, path, bytes: received });
      else ctx.printer.out(`Saved ${received} bytes to ${path}\n`);
    });
}

/** Polls an export until it is completed (or failed), with one progress line on stderr. */
async function waitForExport(ctx: Context, id: string) {
  const client = ctx.client();
  const started = Date.now();
  for (;;) {
    const record = (await client.exports.get(id)) as {
      id: string;
      status: string;
      row_count?: number;
      error?: string;
    };
    if (!ctx.json)
      ctx.printer.note(
        `\rExport ${id}: ${record.status} (${Math.round((Date.now() - started) / 1000)} s)   `,
      );
    if (record.status === 'completed') {
      if (!ctx.json) ctx.printer.note('\n');
      return record;
    }
    if (record.status === 'failed') {
      if (!ctx.json) ctx.printer.note('\n');
      throw new CliError(`export ${id} failed${record.error ? `: ${record.error}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function tailCommand(program: Command): void {
  program
    .command('tail')
    .description('Follow new messages and their attempts live (both directions), until Ctrl-C')
    .addOption(new Option('--direction <direction>', 'Only one direction').choices(['outbound', 'inbound']))
    .option('--endpoint <id>', 'Only this endpoint')
    .option('--status <status>', 'Only this status')
    .option('--interval <ms>', 'How often to look (ms)', positiveInt, 1000)
    .action(
      async (
        options: { direction?: 'outbound' | 'inbound'; endpoint?: string; status?: string; interval: number },
        command: Command,
      ) => {
        const ctx = Context.of(command);
        const client = ctx.client();
        const directions = options.direction ? [options.direction] : (['outbound', 'inbound'] as const);
        const seen = new Map<string, string>();
        const since = new Date(Date.now() - 1000);
        let stopped = false;
        const stop = () => {
          stopped = true;
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        ctx.printer.status('Following new messages (Ctrl-C to stop)…');
        while (!stopped) {
          for (const direction of directions) {
            const filters = {
              direction,
              endpoint: options.endpoint,
              status: options.status,
              since,
              limit: 100,
            };
            let rows: Array<Record<string, unknown>>;
            try {
              rows = (await logPages(client, filters)).data as Array<Record<string, unknown>>;
            } catch (error) {
              ctx.printer.error(`tail: ${(error as Error).message}`);
              continue;
            }
            for (const row of rows.reverse()) {
              const id = String(row.message_id);
              const state = `${row.status}/${row.attempt_count}`;
              if (seen.get(id) === state) continue;
              const isNew = !seen.has(id);
              seen.set(id, state);
              if (ctx.json) ctx.printer.emit({ event: isNew ? 'message' : 'update', direction, ...row });
              else {
                const time = String(row.created_at ?? row.received_at ?? '').slice(11, 19);
                const status = String(row.status);
                const colour =
                  status === 'succeeded' ? 'green' : status === 'failed_permanent' ? 'red' : 'yellow';
                const cols = LOG_COLUMNS[direction].slice(2, 5).map((c) => cell(row[c]));
                ctx.printer.out(
                  `${time}  ${direction === 'inbound' ? 'IN ' : 'OUT'}  ${id}  ${ctx.printer.paint(colour, status.padEnd(16))}  ${cols.join('  ')}\n`,
                );
              }
            }
          }
          const wake = Date.now() + options.interval;
          while (!stopped && Date.now() < wake) await new Promise((resolve) => setTimeout(resolve, 50));
        }
      },
    );
}

export function observabilityCommands(program: Command): void {
  metricsCommand(program);
  exportCommands(program);
  tailCommand(program);
}
