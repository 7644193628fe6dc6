import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { endpoints, getMetrics, sendTestEvent } from '../api/resources';
import { formatTime } from '../components/format';
import { MetricCards } from '../components/MetricCards';
import { RecentMessages } from '../components/RecentMessages';
import { SigningKeys } from '../components/SigningKeys';

export default function EndpointDetail() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const endpoint = useQuery({ queryKey: ['endpoint', id], queryFn: () => endpoints.get(id) });
  const metrics = useQuery({
    queryKey: ['metrics', 'outbound', '24h', id],
    queryFn: () => getMetrics('outbound', '24h', id),
    refetchInterval: 5_000,
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['endpoint', id] });
    void queryClient.invalidateQueries({ queryKey: ['endpoints'] });
  };
  const toggle = useMutation({
    mutationFn: (pause: boolean) => (pause ? endpoints.pause(id) : endpoints.resume(id)),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () => endpoints.remove(id),
    onSuccess: () => {
      refresh();
      navigate('/endpoints');
    },
  });
  const test = useMutation({ mutationFn: () => sendTestEvent(id) });

  if (endpoint.isPending) return <p>Loading…</p>;
  if (endpoint.error) return <p className="error">{endpoint.error.message}</p>;
  const e = endpoint.data;
  return (
    <section>
      <p>
        <Link to="/endpoints">← Endpoints</Link>
      </p>
      <h1>
        {e.description || e.url} {e.paused && <span className="badge warn">paused</span>}
      </h1>
      <div className="actions">
        <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
          Send a test event
        </button>
        <Link className="button secondary" to={`/endpoints/${id}/edit`}>
          Edit
        </Link>
        <button type="button" className="secondary" onClick={() => toggle.mutate(!e.paused)}>
          {e.paused ? 'Resume' : 'Pause'}
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => {
            if (confirm('Delete this endpoint? Messages not yet delivered fail.')) remove.mutate();
          }}
        >
          Delete
        </button>
      </div>
      {test.data && (
        <p className="notice" role="status">
          Test event sent: <Link to={`/messages/${test.data}`}>{test.data}</Link>
        </p>
      )}
      {(test.error || toggle.error || remove.error) && (
        <p role="alert" className="error">
          {(test.error ?? toggle.error ?? remove.error)!.message}
        </p>
      )}
      <div className="two-col">
        <div className="panel">
          <dl className="facts">
            <dt>ID</dt>
            <dd>
              <code>{e.id}</code>
            </dd>
            <dt>URL</dt>
            <dd>{e.url}</dd>
            <dt>Rate limit</dt>
            <dd>{e.rate_limit_rps ? `${e.rate_limit_rps}/s, burst ${e.burst}` : 'none'}</dd>
            <dt>Signing</dt>
            <dd>{e.hmac_enabled ? 'on' : 'off'}</dd>
            <dt>Custom headers</dt>
            <dd>{Object.keys(e.headers).join(', ') || 'none'}</dd>
            <dt>Created</dt>
            <dd>{formatTime(e.created_at)}</dd>
          </dl>
        </div>
        <SigningKeys endpointId={id} api={endpoints} />
      </div>
      <h2>Last 24 hours</h2>
      <MetricCards metrics={metrics.data} />
      <h2>Recent messages</h2>
      <RecentMessages direction="outbound" endpointId={id} />
    </section>
  );
}
