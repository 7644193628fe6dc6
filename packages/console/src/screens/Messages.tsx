import { useMutation } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { exportsApi } from '../api/resources';
import type { Direction, MessageRow } from '../api/types';
import { EndpointSelect } from '../components/EndpointSelect';
import { formatMs, formatTime, fromLocalInput, toLocalInput } from '../components/format';
import { MESSAGE_STATUSES, StatusBadge } from '../components/StatusBadge';
import { useMessageList } from '../components/useMessageList';
import { type Column, VirtualTable } from '../components/VirtualTable';

const COLUMNS: Column<MessageRow>[] = [
  { header: 'Status', width: '7rem', render: (row) => <StatusBadge status={row.status} /> },
  {
    header: 'Message',
    width: '9rem',
    render: (row) => <code title={row.message_id}>{row.message_id.slice(0, 13)}…</code>,
  },
  {
    header: 'Endpoint',
    width: 'minmax(8rem, 2fr)',
    render: (row) => <span title={row.endpoint}>{row.endpoint || '—'}</span>,
  },
  { header: 'Attempts', width: '5rem', render: (row) => row.attempt_count },
  { header: 'HTTP', width: '4rem', render: (row) => row.response_status ?? '—' },
  { header: 'Latency', width: '6rem', render: (row) => formatMs(row.response_latency_ms) },
  {
    header: 'Last error',
    width: 'minmax(6rem, 1.5fr)',
    render: (row) => <span className="error">{row.last_error ?? ''}</span>,
  },
  { header: 'Created', width: '11rem', render: (row) => formatTime(row.created_at) },
];

/** Outbound or inbound messages; every filter lives in the URL, so a view can be shared as a link. */
export default function Messages({ direction }: { direction: Direction }) {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const filters = useMemo(
    () => ({
      status: params.get('status'),
      endpoint_id: params.get('endpoint_id'),
      start_time: params.get('start_time'),
      end_time: params.get('end_time'),
    }),
    [params],
  );
  const list = useMessageList(direction, filters);
  const base = direction === 'outbound' ? '/messages' : '/inbound/messages';

  function setFilter(name: string, value: string | null) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  }

  const exportNow = useMutation({
    mutationFn: () => {
      const end = filters.end_time ?? new Date().toISOString();
      const start = filters.start_time ?? new Date(Date.now() - 30 * 86_400_000).toISOString();
      return exportsApi.create({
        direction,
        start_time: start,
        end_time: end,
        ...(filters.status ? { status: filters.status } : {}),
        ...(filters.endpoint_id
          ? { [direction === 'outbound' ? 'endpoint_id' : 'inbound_endpoint_id']: filters.endpoint_id }
          : {}),
      });
    },
    onSuccess: () => navigate('/exports'),
  });

  return (
    <section>
      <h1>{direction === 'outbound' ? 'Messages' : 'Inbound messages'}</h1>
      <div className="toolbar">
        <div>
          <label htmlFor="f-status">Status</label>
          <select
            id="f-status"
            value={filters.status ?? ''}
            onChange={(e) => setFilter('status', e.target.value)}
          >
            <option value="">Any status</option>
            {MESSAGE_STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-endpoint">Endpoint</label>
          <EndpointSelect
            id="f-endpoint"
            direction={direction}
            value={filters.endpoint_id ?? ''}
            onChange={(value) => setFilter('endpoint_id', value)}
          />
        </div>
        <div>
          <label htmlFor="f-from">From</label>
          <input
            id="f-from"
            type="datetime-local"
            value={toLocalInput(filters.start_time)}
            onChange={(e) => setFilter('start_time', fromLocalInput(e.target.value))}
          />
        </div>
        <div>
          <label htmlFor="f-to">To</label>
          <input
            id="f-to"
            type="datetime-local"
            value={toLocalInput(filters.end_time)}
            onChange={(e) => setFilter('end_time', fromLocalInput(e.target.value))}
          />
        </div>
        <button
          type="button"
          className="secondary"
          onClick={() => exportNow.mutate()}
          disabled={exportNow.isPending}
        >
          Export these
        </button>
      </div>
      {exportNow.error && <p className="error">{exportNow.error.message}</p>}
      {list.fresh.length > 0 && (
        <p className="notice" aria-live="polite">
          {list.fresh.length} new message{list.fresh.length === 1 ? '' : 's'}.{' '}
          <button type="button" className="link" onClick={list.showFresh}>
            Show
          </button>
        </p>
      )}
      {list.error && <p className="error">{list.error.message}</p>}
      <p className="muted small" data-testid="row-count">
        {list.isPending
          ? 'Loading…'
          : `${list.rows.length.toLocaleString('en-US')} loaded${list.hasMore ? ', more below' : ''}`}
      </p>
      <VirtualTable
        label={direction === 'outbound' ? 'Messages' : 'Inbound messages'}
        rows={list.rows}
        columns={COLUMNS}
        rowKey={(row) => row.message_id}
        onOpen={(row) => navigate(`${base}/${row.message_id}`)}
        onEndReached={list.loadMore}
        empty={list.isPending ? 'Loading…' : 'No messages match these filters.'}
      />
    </section>
  );
}
