import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { inboundEndpoints } from '../api/resources';
import { formatTime } from '../components/format';

export default function InboundEndpoints() {
  const list = useInfiniteQuery({
    queryKey: ['inbound-endpoints'],
    queryFn: ({ pageParam }) => inboundEndpoints.list(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const rows = list.data?.pages.flatMap((page) => page.rows) ?? [];
  return (
    <section>
      <h1>Inbound endpoints</h1>
      <div className="actions">
        <Link className="button" to="/inbound/endpoints/new">
          New inbound endpoint
        </Link>
      </div>
      {list.error && <p className="error">{list.error.message}</p>}
      <div className="table-wrap">
        <table aria-label="Inbound endpoints">
          <thead>
            <tr>
              <th>Name</th>
              <th>Mode</th>
              <th>Forwards to</th>
              <th>State</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((endpoint) => (
              <tr key={endpoint.id}>
                <td>
                  <Link to={`/inbound/endpoints/${endpoint.id}`}>{endpoint.name || endpoint.id}</Link>
                </td>
                <td>{endpoint.mode}</td>
                <td>{endpoint.url || '—'}</td>
                <td>
                  {!endpoint.active ? (
                    <span className="badge fail">disabled</span>
                  ) : endpoint.paused ? (
                    <span className="badge warn">paused</span>
                  ) : (
                    <span className="badge ok">receiving</span>
                  )}
                </td>
                <td>{formatTime(endpoint.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!list.isPending && rows.length === 0 && <p className="muted">No inbound endpoint yet.</p>}
      {list.hasNextPage && (
        <button type="button" className="secondary" onClick={() => void list.fetchNextPage()}>
          Load more
        </button>
      )}
    </section>
  );
}
