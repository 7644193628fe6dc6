import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { request } from 'undici';
import type { CliClient } from '../api.js';
import { Context } from '../context.js';
import { CliError } from '../errors.js';
import { gather, type ListOptions, listOptions, showList, showRecord } from '../present.js';
import { confirm } from '../prompt.js';
import { fields, signingKeyCommands } from './endpoints.js';
import { collect, parseHeader } from './parse.js';

/** The payload argument, `@file`, or stdin when neither is given and stdin is not a terminal. */
export async function readPayload(argument: string | undefined): Promise<string> {
  if (argument?.startsWith('@')) return readFileSync(argument.slice(1), 'utf8');
  if (argument !== undefined) return argument;
  if (process.stdin.isTTY) throw new CliError('no payload: pass it as an argument, as @file, or on stdin');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${what} is not JSON: ${(error as Error).message}`);
  }
}

interface Inbound {
  id: string;
  mode?: string;
  ingest_url?: string | null;
}

/** The inbound endpoint `hb send` posts to: the one given, else the first cli-mode one (the one `hb listen` uses). */
async function inboundTarget(client: CliClient, id: string | true): Promise<Inbound> {
  if (id !== true) return (await client.inbound.endpoints.get(id)) as Inbound;
  for await (const endpoint of client.inbound.endpoints.list()) {
    if ((endpoint as Inbound).mode === 'cli') return endpoint as Inbound;
  }
  throw new CliError('no CLI-mode endpoint: run `hb listen` (it creates one) or pass --endpoint');
}

function outboundCommands(program: Command): void {
  const outbound = program
    .command('outbound')
    .description('Manage outbound endpoints (where sends are delivered)');
  listOptions(outbound.command('list').description('Outbound endpoints')).action(
    async (options: ListOptions, command: Command) => {
      const ctx = Context.of(command);
      const rows = await gather(
        ctx.client().endpoints.list(options.limit ? { limit: options.limit } : {}),
        options,
      );
      showList(ctx, rows, ['id', 'url', 'active', 'paused', 'created_at'], 'No outbound endpoints.');
    },
  );
  outbound
    .command('create <url>')
    .description('Create an outbound endpoint (its signing secret is shown once)')
    .option('--description <text>', 'Description')
    .option('--set <key=value>', 'Any other field (repeatable), e.g. --set rate_limit=10', collect, [])
    .action(async (url: string, options: { description?: string; set: string[] }, command: Command) => {
      const ctx = Context.of(command);
      const body = {
        url,
        ...(options.description ? { description: options.description } : {}),
        ...fields(options.set),
      };
      showRecord(ctx, await ctx.client().endpoints.create(body as never));
    });
  outbound
    .command('get <id>')
    .description('Show an outbound endpoint')
    .action(async (id: string, _o, command: Command) => {
      const ctx = Context.of(command);
      showRecord(ctx, await ctx.client().endpoints.get(id));
    });
  outbound
    .command('update <id>')
    .description('Change an outbound endpoint')
    .option('--url <url>', 'New URL')
    .option('--description <text>', 'New description')
    .option('--set <key=value>', 'Any other field (repeatable)', collect, [])
    .action(
      async (
        id: string,
        options: { url?: string; description?: string; set: string[] },
        command: Command,
      ) => {
        const ctx = Context.of(command);
        const body = {
          ...(options.url ? { url: options.url } : {}),
          ...(options.description ? { description: options.description } : {}),
          ...fields(options.set),
        };
        if (Object.keys(body).length === 0)
          throw new CliError('nothing to update: pass --url, --description or --set');
        showRecord(ctx, await ctx.client().endpoints.update(id, body as never));
      },
    );
  for (const verb of ['pause', 'resume'] as const) {
    outbound
      .command(`${verb} <id>`)
      .description(verb === 'pause' ? 'Hold deliveries (sends are still accepted)' : 'Deliver held messages')
      .action(async (id: string, _o, command: Command) => {
        const ctx = Context.of(command);
        showRecord(ctx, await ctx.client().endpoints[verb](id));
      });
  }
  outbound
    .command('delete <id>')
    .description('Delete an outbound endpoint')
    .option('-f, --force', 'Skip the confirmation prompt')
    .action(async (id: string, options: { force?: boolean }, command: Command) => {
      const ctx = Context.of(command);
      await confirm(ctx.printer, `Delete outbound endpoint ${id}?`, options.force === true, false);
      const result = await ctx.client().endpoints.delete(id);
      if (ctx.json) ctx.printer.emit(result ?? { id, deleted: true });
      else ctx.printer.out(`Deleted outbound endpoint ${id}\n`);
    });
  signingKeyCommands(outbound, (ctx) => ctx.client().endpoints as never);
}

function sendCommand(program: Command): void {
  program
    .command('send [payload]')
    .description(
      'Send a webhook. With --endpoint ep_… through the send API to an outbound endpoint; otherwise as a ' +
        'provider would, to an inbound endpoint (default: the CLI-mode one `hb listen` forwards from)',
    )
    .option('--endpoint <id>', 'Outbound endpoint (ep_…) or, with --inbound, an inbound endpoint id')
    .option(
      '--inbound [id]',
      'Post to an inbound endpoint’s receive URL (default when --endpoint is not given)',
    )
    .option('-H, --header <header>', 'Extra header, "Name: value" (repeatable)', collect, [])
    .option('--idempotency-key <key>', 'Idempotency key (send API; a retried send never delivers twice)')
    .option('--content-type <type>', 'Content type of an inbound post', 'application/json')
    .action(async (argument: string | undefined, options, command: Command) => {
      const ctx = Context.of(command);
      const client = ctx.client();
      const text = await readPayload(argument);
      const headers = Object.fromEntries((options.header as string[]).map(parseHeader));
      const outbound = options.endpoint && options.inbound === undefined;
      if (outbound) {
        const result = await client.webhooks.send({
          endpoint_id: options.endpoint,
          payload: json(text, 'the payload'),
          ...(Object.keys(headers).length ? { headers } : {}),
          ...(options.idempotencyKey ? { idempotency_key: options.idempotencyKey } : {}),
        } as never);
        if (ctx.json) return ctx.printer.emit(result);
        const sent = result as { message_id: string; status: string };
        return ctx.printer.out(`Sent message ${sent.message_id} (${sent.status})\n`);
      }
      const target = await inboundTarget(client, options.inbound ?? options.endpoint ?? true);
      const url =
        target.ingest_url ?? ((await client.inbound.endpoints.get(target.id)) as Inbound).ingest_url;
      if (!url) throw new CliError(`inbound endpoint ${target.id} has no receive URL`);
      // A provider's POST to the receive URL (no API key): not an API call, so not the SDK's.
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': options.contentType, ...headers },
        body: text,
      });
      const answer = (await response.body.text()) || '{}';
      let parsed: {
        data?: { message_id?: string; status?: string };
        error?: { code: string; message: string };
      };
      try {
        parsed = JSON.parse(answer);
      } catch {
        parsed = {};
      }
      if (response.statusCode >= 300)
        throw new CliError(
          `receive URL answered ${response.statusCode}${parsed.error ? ` ${parsed.error.code}: ${parsed.error.message}` : ''}`,
        );
      if (ctx.json) return ctx.printer.emit({ inbound_endpoint_id: target.id, ...parsed.data });
      ctx.printer.out(
        `Sent to inbound endpoint ${target.id}: message ${parsed.data?.message_id} (${parsed.data?.status})\n`,
      );
    });
}

function keyCommands(program: Command): void {
  const keys = program.command('keys').description('API keys of the project');
  keys
    .command('list')
    .description('API keys (prefixes only)')
    .option('--limit <n>', 'At most this many rows', Number)
    .option('--all', 'Every key (the list is never paged)')
    .action(async (options: ListOptions, command: Command) => {
      const ctx = Context.of(command);
      const rows = (await ctx.client().apiKeys.list()) as object[];
      showList(
        ctx,
        options.limit ? rows.slice(0, options.limit) : rows,
        ['key_id', 'label', 'prefix', 'created_at', 'last_used_at'],
        'No API keys.',
      );
    });
  keys
    .command('create')
    .description('Create an API key (shown once)')
    .option('--label <label>', 'Label')
    .option('--mode <mode>', 'live or test', 'live')
    .action(async (options: { label?: string; mode: string }, command: Command) => {
      const ctx = Context.of(command);
      showRecord(
        ctx,
        await ctx.client().apiKeys.create({
          mode: options.mode,
          ...(options.label ? { label: options.label } : {}),
        } as never),
      );
    });
  keys
    .command('delete <key-id>')
    .description('Revoke an API key')
    .option('-f, --force', 'Skip the confirmation prompt')
    .action(async (keyId: string, options: { force?: boolean }, command: Command) => {
      const ctx = Context.of(command);
      await confirm(ctx.printer, `Revoke API key ${keyId}?`, options.force === true, false);
      await ctx.client().apiKeys.delete(keyId);
      if (ctx.json) ctx.printer.emit({ key_id: keyId, deleted: true });
      else ctx.printer.out(`Deleted API key ${keyId}\n`);
    });
}

export function apiCommands(program: Command): void {
  outboundCommands(program);
  sendCommand(program);
  keyCommands(program);
}
