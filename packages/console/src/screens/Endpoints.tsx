import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { endpoints, getMetrics } from '../api/resources';
import { formatPercent, formatTime } from '../components/format';

function Health({ id, paused }: { id: string; paused: boolean }) {
  const metrics = useQuery({
    queryKey: ['metrics', 'outbound', '24h', id],
    queryFn: () => getMetrics('outbound', '24h', id),
  });
  if (paused) return <span className="badge warn">paused</span>;
  const m = metrics.data;
  if (!m || m.total_messages === 0) return <span className="muted">no traffic</span>;
  const failing = m.failed > 0 || m.success_rate < 0.95;
  return (
    <span className={failing ? 'badge fail' : 'badge ok'} title="Success rate of messages in the last 24 h">
      {formatPercent(m.success_rate)} ok
    </span>
  );
}

export default function Endpoints() {
  const list = useInfiniteQuery({
    queryKey: ['endpoints'],
    queryFn: ({ pageParam }) => endpoints.list(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const rows = list.data?.pages.flatMap((page) => page.rows) ?? [];
  return (
    <section>
      <h1>Endpoints</h1>
      <div className="actions">
        <Link className="button" to="/endpoints/new">
          New endpoint
        </Link>
      </div>
      {list.error && <p className="error">{list.error.message}</p>}
      <div className="table-wrap">
        <table aria-label="Endpoints">
          <thead>
            <tr>
              <th>URL</th>
              <th>Description</th>
              <th>Health (24 h)</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((endpoint) => (
              <tr key={endpoint.id}>
                <td>
                  <Link to={`/endpoints/${endpoint.id}`}>{endpoint.url}</Link>
                </td>
                <td>{endpoint.description}</td>
                <td>
                  <Health id={endpoint.id} paused={endpoint.paused} />
                </td>
                <td>{formatTime(endpoint.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!list.isPending && rows.length === 0 && (
        <p className="muted">No endpoint yet: create one to start sending.</p>
      )}
      {list.hasNextPage && (
        <button type="button" className="secondary" onClick={() => void list.fetchNextPage()}>
          Load more
        </button>
      )}
    </section>
  );
}
