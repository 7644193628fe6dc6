import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { exportsApi } from '../api/resources';
import type { Direction } from '../api/types';
import { formatBytes, formatTime, fromLocalInput, toLocalInput } from '../components/format';
import { MESSAGE_STATUSES } from '../components/StatusBadge';

/** CSV exports: created here or from a message list's filters, built in the background, then downloaded. */
export default function Exports() {
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: ['exports'],
    queryFn: exportsApi.list,
    refetchInterval: (query) =>
      query.state.data?.some((e) => e.status === 'pending' || e.status === 'processing') ? 1_000 : 10_000,
  });
  const [direction, setDirection] = useState<Direction>('outbound');
  const [status, setStatus] = useState('');
  const [start, setStart] = useState(() => toLocalInput(new Date(Date.now() - 7 * 86_400_000).toISOString()));
  const [end, setEnd] = useState(() => toLocalInput(new Date(Date.now() + 3_600_000).toISOString()));
  const create = useMutation({
    mutationFn: () =>
      exportsApi.create({
        direction,
        start_time: fromLocalInput(start),
        end_time: fromLocalInput(end),
        ...(status ? { status } : {}),
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['exports'] }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => exportsApi.remove(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['exports'] }),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  return (
    <section>
      <h1>Exports</h1>
      <form className="toolbar" onSubmit={submit} aria-label="New export">
        <div>
          <label htmlFor="x-direction">Direction</label>
          <select
            id="x-direction"
            value={direction}
            onChange={(e) => setDirection(e.target.value as Direction)}
          >
            <option value="outbound">outbound</option>
            <option value="inbound">inbound</option>
          </select>
        </div>
        <div>
          <label htmlFor="x-status">Status</label>
          <select id="x-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Any status</option>
            {MESSAGE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="x-start">From</label>
          <input
            id="x-start"
            type="datetime-local"
            required
            value={start}
            onChange={(e) => setStart(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="x-end">To</label>
          <input
            id="x-end"
            type="datetime-local"
            required
            value={end}
            onChange={(e) => setEnd(e.target.value)}
          />
        </div>
        <button type="submit" disabled={create.isPending}>
          Create export
        </button>
      </form>
      {(create.error || remove.error || list.error) && (
        <p role="alert" className="error">
          {(create.error ?? remove.error ?? list.error)!.message}
        </p>
      )}
      <div className="table-wrap">
        <table aria-label="Exports">
          <thead>
            <tr>
              <th>Created</th>
              <th>Direction</th>
              <th>Range</th>
              <th>Status</th>
              <th>Rows</th>
              <th>Size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data?.map((e) => (
              <tr key={e.id} data-testid="export-row" data-status={e.status}>
                <td>{formatTime(e.created_at)}</td>
                <td>{e.direction}</td>
                <td>
                  {formatTime(e.filter_start_time)} – {formatTime(e.filter_end_time)}
                  {e.filter_status ? ` · ${e.filter_status}` : ''}
                </td>
                <td>
                  <span
                    className={
                      e.status === 'completed'
                        ? 'badge ok'
                        : e.status === 'failed'
                          ? 'badge fail'
                          : 'badge warn'
                    }
                  >
                    {e.status}
                  </span>
                  {e.error_message && <div className="error">{e.error_message}</div>}
                </td>
                <td>{e.row_count ?? '—'}</td>
                <td>{formatBytes(e.file_size_bytes)}</td>
                <td className="actions" style={{ margin: 0 }}>
                  {e.status === 'completed' && (
                    <a className="button" href={exportsApi.downloadHref(e.id)} download>
                      Download
                    </a>
                  )}
                  <button type="button" className="secondary" onClick={() => remove.mutate(e.id)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.data?.length === 0 && <p className="muted">No export yet.</p>}
    </section>
  );
}
