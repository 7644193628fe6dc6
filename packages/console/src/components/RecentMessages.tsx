import { Link } from 'react-router';
import type { Direction } from '../api/types';
import { formatMs, formatTime } from './format';
import { StatusBadge } from './StatusBadge';
import { useMessageList } from './useMessageList';

/** The newest messages of one endpoint, updated live. */
export function RecentMessages({ direction, endpointId }: { direction: Direction; endpointId: string }) {
  const list = useMessageList(direction, { endpoint_id: endpointId });
  const rows = [...list.fresh, ...list.rows].slice(0, 20);
  const base = direction === 'outbound' ? '/messages' : '/inbound/messages';
  return (
    <div className="table-wrap">
      <table aria-label="Recent messages">
        <thead>
          <tr>
            <th>Status</th>
            <th>Message</th>
            <th>Attempts</th>
            <th>HTTP</th>
            <th>Latency</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.message_id} data-testid="recent-message">
              <td>
                <StatusBadge status={row.status} />
              </td>
              <td>
                <Link to={`${base}/${row.message_id}`}>{row.message_id}</Link>
              </td>
              <td>{row.attempt_count}</td>
              <td>{row.response_status ?? '—'}</td>
              <td>{formatMs(row.response_latency_ms)}</td>
              <td>{formatTime(row.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && (
        <p className="muted" style={{ padding: '0 0.6rem' }}>
          No message yet.
        </p>
      )}
    </div>
  );
}
