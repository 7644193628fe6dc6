import { type Command, Option } from 'commander';
import type { PagePromise } from '@hookbridge/sdk';
import type { CliClient } from '../api.js';
import { Context } from '../context.js';
import { CliError } from '../errors.js';
import { gather, type ListOptions, listOptions, showList, showRecord } from '../present.js';
import { confirm } from '../prompt.js';
import { parseTime } from './parse.js';
import { replayTo } from './replay-to.js';

type Direction = 'outbound' | 'inbound';

const directionOption = () =>
  new Option('--direction <direction>', 'outbound (sent) or inbound (received)')
    .choices(['outbound', 'inbound'])
    .default('outbound');

interface LogFilters extends ListOptions {
  status?: string;
  endpoint?: string;
  since?: Date;
  until?: Date;
  mode?: string;
  direction: Direction;
}

function logQuery(options: LogFilters): Record<string, unknown> {
  return {
    ...(options.status ? { status: options.status } : {}),
    ...(options.endpoint
      ? { [options.direction === 'inbound' ? 'inbound_endpoint_id' : 'endpoint_id']: options.endpoint }
      : {}),
    ...(options.since ? { start_time: options.since.toISOString() } : {}),
    ...(options.until ? { end_time: options.until.toISOString() } : {}),
    ...(options.mode && options.direction === 'outbound' ? { mode: options.mode } : {}),
    ...(options.limit ? { limit: Math.min(options.limit, 500) } : {}),
  };
}

type LogRow = Record<string, unknown> & { message_id: string; status: string };

export function logPages(client: CliClient, options: LogFilters): PagePromise<LogRow> {
  const query = logQuery(options);
  const pages =
    options.direction === 'inbound'
      ? client.inbound.logs.list(query as never)
      : client.logs.list(query as never);
  return pages as unknown as PagePromise<LogRow>;
}

export const LOG_COLUMNS: Record<Direction, string[]> = {
  outbound: ['message_id', 'status', 'endpoint_id', 'attempt_count', 'response_status', 'created_at'],
  inbound: ['message_id', 'status', 'inbound_endpoint_id', 'attempt_count', 'response_status', 'received_at'],
};

function filterOptions(command: Command): Command {
  return listOptions(command)
    .option('--status <status>', 'queued, delivering, succeeded, pending_retry or failed_permanent')
    .option('--endpoint <id>', 'Only this endpoint’s messages')
    .option(
      '--since <when>',
      'Created after: a duration before now (30m, 2h, 7d) or an RFC 3339 time',
      parseTime,
    )
    .option('--until <when>', 'Created before: a duration before now or an RFC 3339 time', parseTime)
    .addOption(new Option('--mode <mode>', 'live or test (outbound)').choices(['live', 'test']))
    .addOption(directionOption());
}

/** A message by id in either direction: outbound first, then inbound (ids are UUIDs in both). */
async function findMessage(client: CliClient, id: string, direction?: Direction) {
  if (direction !== 'inbound') {
    try {
      return { direction: 'outbound' as const, message: await client.messages.get(id) };
    } catch (error) {
      if ((error as { status?: number }).status !== 404 || direction === 'outbound') throw error;
    }
  }
  return { direction: 'inbound' as const, message: await client.inbound.messages.get(id) };
}

const directionFlag = () =>
  new Option('--direction <direction>', 'outbound or inbound (default: whichever has the id)').choices([
    'outbound',
    'inbound',
  ]);

export function messageCommands(program: Command): void {
  filterOptions(program.command('logs').description('Messages, newest first, with filters')).action(
    async (options: LogFilters, command: Command) => {
      const ctx = Context.of(command);
      const rows = await gather(logPages(ctx.client(), options), options);
      showList(ctx, rows as object[], LOG_COLUMNS[options.direction], 'No messages.');
    },
  );

  const messages = program.command('messages').description('One message and its attempts');
  messages
    .command('get <id>')
    .description('A message: status, attempts, timings (outbound or inbound)')
    .addOption(directionFlag())
    .action(async (id: string, options: { direction?: Direction }, command: Command) => {
      const ctx = Context.of(command);
      showRecord(ctx, (await findMessage(ctx.client(), id, options.direction)).message as object);
    });
  messages
    .command('attempts <id>')
    .description('Its delivery attempts, oldest first')
    .addOption(directionFlag())
    .action(async (id: string, options: { direction?: Direction }, command: Command) => {
      const ctx = Context.of(command);
      const client = ctx.client();
      const found = await findMessage(client, id, options.direction);
      const page =
        found.direction === 'outbound'
          ? await client.messages.attempts(id)
          : await client.inbound.messages.attempts(id);
      showList(
        ctx,
        page.data as object[],
        ['attempt_number', 'status', 'response_status', 'response_latency_ms', 'error', 'created_at'].filter(
          (column) => page.data.length === 0 || page.data.some((row) => column in (row as object)),
        ),
        'No attempts.',
      );
    });

  program
    .command('replay [ids...]')
    .description('Deliver messages again: one id, several (--batch), or every one in a status (--all)')
    .option('--batch', 'Replay the given ids (up to 100) in one call, with a result for each')
    .option('--all', 'Replay every message in --status (oldest first, up to --limit)')
    .option('--status <status>', 'With --all: succeeded or failed_permanent')
    .option('--endpoint <id>', 'With --all: only this endpoint')
    .option('--limit <n>', 'With --all: at most this many (default 100, at most 1000)', Number)
    .option('--dry-run', 'With --all: list what would be replayed, replay nothing')
    .option('-y, --yes', 'Do not ask for confirmation')
    .option('--to <url>', 'Send the stored message to this (local) URL, signed as a real delivery would be')
    .addOption(directionFlag())
    .action(async (ids: string[], options, command: Command) => {
      const ctx = Context.of(command);
      const client = ctx.client();
      const direction: Direction | undefined = options.direction;
      if (options.to) {
        if (ids.length !== 1) throw new CliError('--to takes exactly one message id');
        return replayTo(ctx, ids[0]!, options.to, direction);
      }
      if (options.all) {
        if (!options.status) throw new CliError('--all needs --status (succeeded or failed_permanent)');
        const inbound = direction === 'inbound';
        const filters: LogFilters = {
          direction: inbound ? 'inbound' : 'outbound',
          status: options.status,
          endpoint: options.endpoint,
          all: true,
        };
        const matching = (await gather(logPages(client, filters), { all: true })) as Array<{
          message_id: string;
        }>;
        const limit = options.limit ?? 100;
        const planned = matching.slice(-limit);
        if (options.dryRun) {
          if (ctx.json)
            return ctx.printer.emit({
              would_replay: planned.length,
              message_ids: planned.map((m) => m.message_id),
            });
          ctx.printer.out(
            `Would replay ${planned.length} ${filters.direction} message(s) in ${options.status}:\n`,
          );
          for (const m of planned) ctx.printer.out(`  ${m.message_id}\n`);
          return;
        }
        await confirm(
          ctx.printer,
          `Replay ${planned.length} ${filters.direction} message(s) in ${options.status}?`,
          options.yes === true,
        );
        const params = {
          status: options.status,
          limit,
          ...(options.endpoint
            ? { [inbound ? 'inbound_endpoint_id' : 'endpoint_id']: options.endpoint }
            : {}),
        };
        const result = inbound
          ? await client.inbound.messages.replayAll(params as never)
          : await client.messages.replayAll(params as never);
        if (ctx.json) return ctx.printer.emit(result);
        const r = result as { replayed: number; failed: number; stuck: number };
        return ctx.printer.out(
          `Replayed ${r.replayed}, failed ${r.failed}, stuck (being delivered) ${r.stuck}\n`,
        );
      }
      if (ids.length === 0)
        throw new CliError('give a message id (or several with --batch, or --all --status …)');
      if (options.batch || ids.length > 1) {
        const batch = (direction === 'inbound' ? client.inbound.messages : client.messages).replayBatch(ids);
        const result = (await batch) as {
          replayed: number;
          failed: number;
          results: Array<{ message_id: string; status: string; error?: string }>;
        };
        if (ctx.json) return ctx.printer.emit(result);
        for (const r of result.results)
          ctx.printer.out(`${r.message_id}  ${r.status}${r.error ? `  ${r.error}` : ''}\n`);
        return ctx.printer.out(`Replayed ${result.replayed}, failed ${result.failed}\n`);
      }
      const id = ids[0]!;
      const found = direction ?? (await findMessage(client, id)).direction;
      const result =
        found === 'inbound' ? await client.inbound.messages.replay(id) : await client.messages.replay(id);
      if (ctx.json) return ctx.printer.emit(result);
      ctx.printer.out(`Replay of ${id} queued (${(result as { status?: string }).status ?? 'queued'})\n`);
    });

  for (const [verb, description] of [
    ['retry-now', 'Make the next retry of a pending_retry message due now'],
    ['cancel', 'Stop the retries of a pending_retry message (it goes to the DLQ)'],
  ] as const) {
    program
      .command(`${verb} <id>`)
      .description(description)
      .action(async (id: string, _o, command: Command) => {
        const ctx = Context.of(command);
        const client = ctx.client();
        const result =
          verb === 'cancel' ? await client.messages.cancel(id) : await client.messages.retryNow(id);
        if (ctx.json) return ctx.printer.emit(result);
        const r = result as { message_id: string; status: string };
        ctx.printer.out(`${r.message_id}  ${r.status}\n`);
      });
  }

  const dlq = program
    .command('dlq')
    .description('The dead-letter queue (failed_permanent outbound messages)');
  listOptions(dlq.command('list').description('Dead-lettered messages, most recent failure first'))
    .option('--endpoint <id>', 'Only this endpoint')
    .action(async (options: ListOptions & { endpoint?: string }, command: Command) => {
      const ctx = Context.of(command);
      const query = {
        ...(options.endpoint ? { endpoint_id: options.endpoint } : {}),
        ...(options.limit ? { limit: Math.min(options.limit, 1000) } : {}),
      };
      const rows = await gather(ctx.client().dlq.list(query as never), options);
      showList(
        ctx,
        rows as object[],
        ['message_id', 'endpoint_id', 'attempt_count', 'last_error', 'failed_at'],
        'The DLQ is empty.',
      );
    });
  dlq
    .command('replay <id>')
    .description('Replay a dead-lettered message (no replay limit)')
    .action(async (id: string, _o, command: Command) => {
      const ctx = Context.of(command);
      const result = await ctx.client().dlq.replay(id);
      if (ctx.json) return ctx.printer.emit(result);
      ctx.printer.out(`${id}  ${(result as { status: string }).status}\n`);
    });
}
