import { type Command, Option } from 'commander';
import { Context } from '../context.js';
import { CliError } from '../errors.js';
import { gather, type ListOptions, listOptions, showList, showRecord } from '../present.js';
import { confirm } from '../prompt.js';
import { table } from '../table.js';
import { collect } from './parse.js';

interface Summary {
  id: string;
  name: string;
  mode?: string;
  active: boolean;
  paused?: boolean;
}

function ttlMinutes(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliError('--ttl-minutes must be between 1 and 1440');
  return n;
}

/** `--set key=value` pairs; values that parse as JSON (true, 5, [..]) are sent as such. */
export function fields(pairs: string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new CliError(`--set takes key=value, got "${pair}"`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {}
    body[pair.slice(0, eq)] = value;
  }
  return body;
}

/** Signing keys of an outbound or inbound endpoint: list, create (rotate), delete. */
export function signingKeyCommands(
  parent: Command,
  resource: (ctx: Context) => {
    signingKeys: {
      list(id: string): Promise<object[]>;
      create(id: string): Promise<object>;
      delete(id: string, keyId: string): Promise<unknown>;
    };
  },
): void {
  const keys = parent.command('signing-keys').alias('keys').description('Signing keys of an endpoint');
  keys
    .command('list <endpoint-id>')
    .description('Active signing keys (hints only)')
    .action(async (id: string, _o, command: Command) => {
      const ctx = Context.of(command);
      const keys = await resource(ctx).signingKeys.list(id);
      showList(ctx, keys, ['id', 'key_hint', 'created_at'], 'No signing keys.');
    });
  keys
    .command('add <endpoint-id>')
    .alias('create')
    .description('Add a signing key (its secret is shown once)')
    .action(async (id: string, _o, command: Command) => {
      const ctx = Context.of(command);
      showRecord(ctx, await resource(ctx).signingKeys.create(id));
    });
  keys
    .command('delete <endpoint-id> <key-id>')
    .description('Delete a signing key (at least one must remain)')
    .action(async (id: string, keyId: string, _o, command: Command) => {
      const ctx = Context.of(command);
      await resource(ctx).signingKeys.delete(id, keyId);
      if (ctx.json) ctx.printer.emit({ id: keyId, deleted: true });
      else ctx.printer.out(`Deleted signing key ${keyId}\n`);
    });
}

/** The official CLI's `hb endpoints` (cli-mode inbound endpoints), plus the rest of the inbound endpoint API. */
export function endpointsCommand(program: Command): void {
  const endpoints = listOptions(
    program
      .command('endpoints')
      .alias('inbound')
      .description('Manage inbound endpoints (lists CLI-mode ones unless --mode)')
      .addOption(new Option('--mode <mode>', 'List endpoints of this mode, or "all"').default('cli')),
  ).action(async (options: ListOptions & { mode: string }, command: Command) => {
    const ctx = Context.of(command);
    const client = ctx.client();
    const rows = (await gather(
      client.inbound.endpoints.list(options.limit ? { limit: options.limit } : {}),
      options,
    )) as Summary[];
    const shown = options.mode === 'all' ? rows : rows.filter((row) => row.mode === options.mode);
    if (ctx.json) {
      if (options.mode === 'cli')
        return ctx.printer.emit(shown.map(({ id, name, active }) => ({ id, name, active })));
      return ctx.printer.emit(shown);
    }
    if (shown.length === 0) {
      ctx.printer.out(options.mode === 'cli' ? 'No CLI-mode endpoints found.\n' : 'No endpoints found.\n');
      ctx.printer.out('Create one with: hb endpoints create --name "My Endpoint"\n');
      return;
    }
    if (options.mode === 'cli') {
      // The official CLI's fixed-width table.
      const pad = (a: string, b: string, c: string) => `${a.padEnd(40)} ${b.padEnd(20)} ${c.padEnd(8)}\n`;
      ctx.printer.out(pad('ID', 'NAME', 'ACTIVE'));
      ctx.printer.out(pad('-'.repeat(38), '-'.repeat(18), '-'.repeat(6)));
      for (const row of shown) ctx.printer.out(pad(row.id, row.name, row.active ? 'yes' : 'no'));
      return;
    }
    ctx.printer.out(
      table(
        ['ID', 'NAME', 'MODE', 'ACTIVE', 'PAUSED'],
        shown.map((r) => [r.id, r.name, r.mode ?? '', r.active ? 'yes' : 'no', r.paused ? 'yes' : 'no']),
      ),
    );
  });

  endpoints
    .command('create')
    .description('Create a new CLI-mode inbound endpoint')
    .option('--name <name>', 'Endpoint name')
    .option('--ephemeral', 'Create a short-lived endpoint that expires automatically')
    .option('--ttl-minutes <n>', 'Minutes until an ephemeral endpoint expires (1-1440)', ttlMinutes)
    .addOption(
      new Option('--mode <mode>', 'cli, forward or pull').default('cli').choices(['cli', 'forward', 'pull']),
    )
    .option('--url <url>', 'Where a forward-mode endpoint delivers')
    .option(
      '--set <key=value>',
      'Any other create field (repeatable), e.g. --set signing_enabled=true',
      collect,
      [],
    )
    .action(async (options, command: Command) => {
      const ctx = Context.of(command);
      if (options.ttlMinutes !== undefined) {
        if (!options.ephemeral) throw new CliError('--ttl-minutes requires --ephemeral');
        if (options.ttlMinutes < 1 || options.ttlMinutes > 1440)
          throw new CliError('--ttl-minutes must be between 1 and 1440');
      }
      const body: Record<string, unknown> = {
        mode: options.mode,
        name: options.name || 'CLI Endpoint',
        ...(options.url ? { url: options.url } : {}),
        ...(options.ephemeral ? { ephemeral: true } : {}),
        ...(options.ttlMinutes !== undefined ? { ttl_minutes: options.ttlMinutes } : {}),
        ...fields(options.set),
      };
      const created = (await ctx.client().inbound.endpoints.create(body as never)) as {
        id: string;
        name?: string;
        ingest_url: string;
      };
      if (ctx.json) return ctx.printer.emit({ id: created.id, receive_url: created.ingest_url });
      ctx.printer.out(`Created endpoint: ${created.name ?? body.name} (${created.id})\n`);
      ctx.printer.out(`Receive URL: ${created.ingest_url}\n`);
    });

  endpoints
    .command('delete <id>')
    .description('Delete an inbound endpoint')
    .option('-f, --force', 'Skip the confirmation prompt')
    .action(async (id: string, options: { force?: boolean }, command: Command) => {
      const ctx = Context.of(command);
      const client = ctx.client();
      await confirm(
        ctx.printer,
        `Delete endpoint ${id}? This cannot be undone.`,
        options.force === true,
        false,
      );
      try {
        await client.inbound.endpoints.delete(id);
      } catch (error) {
        if ((error as { status?: number }).status === 404)
          throw new CliError(`inbound endpoint "${id}" not found — it may already be deleted`);
        throw error;
      }
      if (ctx.json) ctx.printer.emit({ id, deleted: true });
      else ctx.printer.out(`Deleted endpoint ${id}\n`);
    });

  endpoints
    .command('get <id>')
    .description('Show an inbound endpoint')
    .action(async (id: string, _o, command: Command) => {
      const ctx = Context.of(command);
      showRecord(ctx, await ctx.client().inbound.endpoints.get(id));
    });

  endpoints
    .command('update <id>')
    .description('Change an inbound endpoint')
    .option('--name <name>', 'New name')
    .option('--url <url>', 'New forward URL')
    .option('--set <key=value>', 'Any other field (repeatable)', collect, [])
    .action(async (id: string, options: { name?: string; url?: string; set: string[] }, command: Command) => {
      const ctx = Context.of(command);
      const body = {
        ...(options.name ? { name: options.name } : {}),
        ...(options.url ? { url: options.url } : {}),
        ...fields(options.set),
      };
      if (Object.keys(body).length === 0)
        throw new CliError('nothing to update: pass --name, --url or --set');
      showRecord(ctx, await ctx.client().inbound.endpoints.update(id, body as never));
    });

  for (const verb of ['pause', 'resume'] as const) {
    endpoints
      .command(`${verb} <id>`)
      .description(verb === 'pause' ? 'Refuse new ingests (503) until resumed' : 'Accept ingests again')
      .action(async (id: string, _o, command: Command) => {
        const ctx = Context.of(command);
        showRecord(ctx, await ctx.client().inbound.endpoints[verb](id));
      });
  }

  signingKeyCommands(endpoints, (ctx) => ctx.client().inbound.endpoints as never);
}
