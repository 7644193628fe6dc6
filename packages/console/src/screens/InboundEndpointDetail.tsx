import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { getMetrics, inboundEndpoints } from '../api/resources';
import { formatTime } from '../components/format';
import { MetricCards } from '../components/MetricCards';
import { RecentMessages } from '../components/RecentMessages';
import { RejectionTable } from '../components/RejectionTable';
import { SigningKeys } from '../components/SigningKeys';

export default function InboundEndpointDetail() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const endpoint = useQuery({ queryKey: ['inbound', id], queryFn: () => inboundEndpoints.get(id) });
  const metrics = useQuery({
    queryKey: ['metrics', 'inbound', '24h', id],
    queryFn: () => getMetrics('inbound', '24h', id),
    refetchInterval: 5_000,
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['inbound', id] });
    void queryClient.invalidateQueries({ queryKey: ['inbound-endpoints'] });
  };
  const toggle = useMutation({
    mutationFn: (pause: boolean) => (pause ? inboundEndpoints.pause(id) : inboundEndpoints.resume(id)),
    onSuccess: refresh,
  });
  const activate = useMutation({
    mutationFn: (active: boolean) => inboundEndpoints.update(id, { active }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () => inboundEndpoints.remove(id),
    onSuccess: () => {
      refresh();
      navigate('/inbound/endpoints');
    },
  });

  if (endpoint.isPending) return <p>Loading…</p>;
  if (endpoint.error) return <p className="error">{endpoint.error.message}</p>;
  const e = endpoint.data;
  const checks = [
    e.verify_static_token && `static token (${e.token_header_name ?? e.token_query_param})`,
    e.verify_hmac &&
      `HMAC (${e.hmac_header_name}${e.timestamp_header_name ? `, timestamp ${e.timestamp_header_name}` : ''})`,
    e.verify_ip_allowlist && `IP allowlist (${e.allowed_cidrs.join(', ')})`,
  ].filter(Boolean);
  return (
    <section>
      <p>
        <Link to="/inbound/endpoints">← Inbound endpoints</Link>
      </p>
      <h1>
        {e.name || e.id} {e.paused && <span className="badge warn">paused</span>}{' '}
        {!e.active && <span className="badge fail">disabled</span>}
      </h1>
      <div className="actions">
        <Link className="button secondary" to={`/inbound/endpoints/${id}/edit`}>
          Edit
        </Link>
        <button type="button" className="secondary" onClick={() => toggle.mutate(!e.paused)}>
          {e.paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="secondary" onClick={() => activate.mutate(!e.active)}>
          {e.active ? 'Disable' : 'Enable'}
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => {
            if (confirm('Delete this inbound endpoint? Its ingest URL stops accepting requests.'))
              remove.mutate();
          }}
        >
          Delete
        </button>
      </div>
      {(toggle.error || activate.error || remove.error) && (
        <p role="alert" className="error">
          {(toggle.error ?? activate.error ?? remove.error)!.message}
        </p>
      )}
      <div className="two-col">
        <div className="panel">
          <dl className="facts">
            <dt>ID</dt>
            <dd>
              <code>{e.id}</code>
            </dd>
            <dt>Mode</dt>
            <dd>{e.mode === 'cli' ? 'held for the CLI (hb listen)' : `forward to ${e.url}`}</dd>
            <dt>Ingest URL</dt>
            <dd>
              <code data-testid="ingest-url">{e.ingest_url ?? 'shown only at creation'}</code>
            </dd>
            <dt>Verification</dt>
            <dd>{checks.length ? checks.join('; ') : 'none (the URL token only)'}</dd>
            <dt>Idempotency</dt>
            <dd>{e.idempotency_header_names.join(', ') || 'none'}</dd>
            <dt>Answers</dt>
            <dd>{e.ingest_response_code}</dd>
            <dt>Created</dt>
            <dd>{formatTime(e.created_at)}</dd>
          </dl>
        </div>
        {e.signing_enabled ? (
          <SigningKeys endpointId={id} api={inboundEndpoints} />
        ) : (
          <div className="panel muted">Forwarded deliveries are not signed.</div>
        )}
      </div>
      <h2>Last 24 hours</h2>
      <MetricCards metrics={metrics.data} />
      <h2>Recent messages</h2>
      <RecentMessages direction="inbound" endpointId={id} />
      <h2>Rejections</h2>
      <RejectionTable endpointId={id} />
    </section>
  );
}
