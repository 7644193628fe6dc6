import type { Command } from 'commander';
import type { Context } from './context.js';
import { positiveInt } from './commands/parse.js';
import { table } from './table.js';

export interface ListOptions {
  limit?: number;
  all?: boolean;
}

/** Every list takes --limit and --all (all pages). */
export function listOptions(command: Command): Command {
  return command
    .option('--limit <n>', 'At most this many rows (one page)', positiveInt)
    .option('--all', 'Every page, not only the first');
}

interface Pages<T> extends PromiseLike<{ data: T[] }> {
  toArray(): Promise<T[]>;
}

export async function gather<T>(pages: Pages<T>, options: ListOptions): Promise<T[]> {
  if (options.all) return pages.toArray();
  const page = await pages;
  return options.limit ? page.data.slice(0, options.limit) : page.data;
}

export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A list: one JSON array on stdout under --json (never null), a table otherwise. */
export function showList(ctx: Context, rows: object[], columns: string[], empty: string): void {
  if (ctx.json) ctx.printer.emit(rows);
  else if (rows.length === 0) ctx.printer.out(`${empty}\n`);
  else
    ctx.printer.out(
      table(
        columns.map((c) => c.toUpperCase()),
        rows.map((row) => columns.map((c) => cell((row as Record<string, unknown>)[c]))),
      ),
    );
}

/** One object: its JSON under --json, `key: value` lines otherwise. */
export function showRecord(ctx: Context, record: object | null): void {
  if (ctx.json) {
    ctx.printer.emit(record ?? {});
    return;
  }
  const entries = Object.entries(record ?? {});
  const width = Math.max(0, ...entries.map(([key]) => key.length));
  for (const [key, value] of entries) ctx.printer.out(`${`${key}:`.padEnd(width + 2)}${cell(value)}\n`);
}
