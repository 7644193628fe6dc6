import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../errors.js';
import { isHexId, isUuid, newUuid } from '../../lib/ids.js';
import type { Db } from '../../store/db.js';
import { endpointNotFound } from '../endpoints/ids.js';
import type { DownloadLinks } from './download-link.js';
import * as store from './store.js';

export const MESSAGE_STATUSES = ['queued', 'delivering', 'succeeded', 'pending_retry', 'failed_permanent'];
/** How long a completed export can be downloaded, as HookBridge documents. */
export const EXPORT_TTL_MS = 7 * 24 * 3_600_000;
/** `GET /v1/exports` is documented without pagination; this bounds it. */
const LIST_LIMIT = 1000;

export interface CreateExportInput {
  start_time: string;
  end_time: string;
  status?: string | undefined;
  endpoint_id?: string | undefined;
  direction?: 'outbound' | 'inbound' | undefined;
  inbound_endpoint_id?: string | undefined;
}

export class ExportService {
  /** Set by the export runner of this process, to start a new export at once. */
  onCreated: () => void = () => {};

  constructor(
    private readonly db: Db,
    readonly dir: string,
    readonly links: DownloadLinks,
  ) {}

  async create(projectId: string, input: CreateExportInput): Promise<store.ExportRow> {
    const start = new Date(input.start_time);
    const end = new Date(input.end_time);
    if (Number.isNaN(start.getTime())) throw invalid('start_time must be an RFC 3339 timestamp');
    if (Number.isNaN(end.getTime())) throw invalid('end_time must be an RFC 3339 timestamp');
    if (end <= start) throw invalid('end_time must be after start_time');
    if (input.status !== undefined && !MESSAGE_STATUSES.includes(input.status)) {
      throw invalid(`status must be one of: ${MESSAGE_STATUSES.join(', ')}`);
    }
    const direction = input.direction ?? 'outbound';
    let endpointId: string | null = null;
    let inboundEndpointId: string | null = null;
    if (direction === 'outbound') {
      if (input.inbound_endpoint_id !== undefined) {
        throw invalid('inbound_endpoint_id applies only to direction "inbound"');
      }
      if (input.endpoint_id !== undefined) {
        if (!isHexId('ep', input.endpoint_id)) {
          throw invalid('endpoint_id must be in format ep_xxx (ep_ followed by 32 hex digits)');
        }
        if (!(await store.endpointExists(this.db, projectId, input.endpoint_id))) throw endpointNotFound();
        endpointId = input.endpoint_id;
      }
    } else {
      if (input.endpoint_id !== undefined) throw invalid('endpoint_id applies only to direction "outbound"');
      if (input.inbound_endpoint_id !== undefined) {
        if (!isUuid(input.inbound_endpoint_id)) throw invalid('inbound_endpoint_id must be a UUID');
        inboundEndpointId = input.inbound_endpoint_id.toLowerCase();
      }
    }
    const row = await store.insertExport(this.db, {
      id: newUuid(),
      projectId,
      direction,
      start,
      end,
      status: input.status ?? null,
      endpointId,
      inboundEndpointId,
    });
    this.onCreated();
    return row;
  }

  list(projectId: string): Promise<store.ExportRow[]> {
    return store.listExports(this.db, projectId, LIST_LIMIT);
  }

  async get(projectId: string, id: string): Promise<store.ExportRow> {
    const row = isUuid(id) ? await store.findExport(this.db, id.toLowerCase(), projectId) : null;
    if (!row) throw new AppError('EXPORT_NOT_FOUND');
    return row;
  }

  async delete(projectId: string, id: string): Promise<void> {
    const row = isUuid(id) ? await store.deleteExport(this.db, projectId, id.toLowerCase()) : null;
    if (!row) throw new AppError('EXPORT_NOT_FOUND');
    await this.removeFile(row.file_name);
  }

  /** The signed path of a completed, unexpired export's file. */
  async downloadPath(projectId: string, id: string, now = Date.now()): Promise<string> {
    const row = await this.get(projectId, id);
    assertDownloadable(row, now);
    return this.links.path(row.id, Math.floor(row.expires_at!.getTime() / 1000));
  }

  /** The file behind a signed link, or null when the link is not valid (any reason: answered alike). */
  async signedFile(id: string, expires: number, signature: string, now = Date.now()): Promise<string | null> {
    if (!isUuid(id) || !this.links.verify(id.toLowerCase(), expires, signature, now)) return null;
    const row = await store.findExport(this.db, id.toLowerCase());
    if (!row) return null;
    assertDownloadable(row, now);
    return join(this.dir, row.file_name!);
  }

  async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  async removeFile(fileName: string | null): Promise<void> {
    if (fileName) await rm(join(this.dir, fileName), { force: true });
  }
}

function assertDownloadable(row: store.ExportRow, now: number): void {
  if (row.status !== 'completed') {
    throw new AppError('EXPORT_NOT_READY', `Export is not yet completed (status: ${row.status})`);
  }
  if (!row.expires_at || row.expires_at.getTime() <= now || !row.file_name)
    throw new AppError('EXPORT_EXPIRED');
}

function invalid(message: string): AppError {
  return new AppError('INVALID_REQUEST', message);
}
