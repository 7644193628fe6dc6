import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { toRfc3339 } from '../../lib/time.js';
import type { Queryable } from '../../store/db.js';
import { csvRecord } from './csv.js';
import { type ExportedMessage, exportPage, INBOUND_HEADER, OUTBOUND_HEADER, type Position } from './rows.js';
import type { ExportRow } from './store.js';

const PAGE_SIZE = 1000;

/**
 * Streams an export's rows to `<dir>/<id>.csv`, a page at a time, never holding more than one page:
 * written to a partial file first and renamed when complete. `onPage` runs after each page (lease renewal).
 */
export async function writeExportFile(
  db: Queryable,
  job: ExportRow,
  dir: string,
  onPage: () => Promise<void>,
): Promise<{ fileName: string; rowCount: number; sizeBytes: number }> {
  const fileName = `${job.id}.csv`;
  const partial = join(dir, `${fileName}.partial`);
  const out = createWriteStream(partial);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => {});
  const write = async (chunk: string) => {
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
  };
  let rowCount = 0;
  try {
    await write(csvRecord(job.direction === 'outbound' ? OUTBOUND_HEADER : INBOUND_HEADER));
    let after: Position | null = null;
    for (;;) {
      const page: ExportedMessage[] = await exportPage(db, job, after, PAGE_SIZE);
      if (page.length > 0) await write(page.map(toRecord).join(''));
      rowCount += page.length;
      if (page.length < PAGE_SIZE) break;
      const last = page.at(-1)!;
      after = { createdAt: last.position, id: last.id };
      await onPage();
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
    await rename(partial, join(dir, fileName));
  } catch (error) {
    out.destroy();
    await rm(partial, { force: true });
    throw error;
  }
  const { size } = await stat(join(dir, fileName));
  return { fileName, rowCount, sizeBytes: size };
}

function toRecord(m: ExportedMessage): string {
  return csvRecord([
    m.id,
    m.endpoint_id,
    m.url,
    m.status,
    m.attempt_count,
    toRfc3339(m.created_at),
    toRfc3339(m.delivered_at),
    m.response_status,
    m.response_latency_ms,
    m.last_error,
  ]);
}
