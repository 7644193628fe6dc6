import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import {
  endpoints,
  getAttempts,
  getMessage,
  getPayload,
  inboundEndpoints,
  messageAction,
} from '../api/resources';
import type { Attempt, Direction } from '../api/types';
import { CopyCurlButton } from '../components/CopyCurl';
import { formatBytes, formatMs, formatTime } from '../components/format';
import { JsonView } from '../components/JsonView';
import { StatusBadge } from '../components/StatusBadge';
import { Waterfall } from '../components/Waterfall';

const MAX_REPLAYS = 10;

function AttemptItem({ attempt }: { attempt: Attempt }) {
  const ok =
    attempt.response_status !== undefined && attempt.response_status >= 200 && attempt.response_status < 300;
  return (
    <li className={ok ? 'ok' : 'fail'} data-testid="attempt">
      <strong>Attempt {attempt.attempt_no}</strong> · {formatTime(attempt.created_at)} ·{' '}
      <span className={ok ? 'badge ok' : 'badge fail'}>{attempt.response_status ?? 'no response'}</span> ·{' '}
      {formatMs(attempt.response_latency_ms)}
      {attempt.retry_type && (
        <span className="muted">
          {' '}
          · {attempt.retry_type} retry
          {attempt.retry_after_seconds ? ` in ${attempt.retry_after_seconds} s` : ''}
        </span>
      )}
      {attempt.error_text && <div className="error">{attempt.error_text}</div>}
      <Waterfall attempt={attempt} />
      {attempt.response_body && (
        <details>
          <summary>Response body</summary>
          <pre>{attempt.response_body}</pre>
        </details>
      )}
      {attempt.request_headers && (
        <details>
          <summary>Request headers</summary>
          <pre>{JSON.stringify(attempt.request_headers, null, 2)}</pre>
        </details>
      )}
    </li>
  );
}

export default function MessageDetail({ direction }: { direction: Direction }) {
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const live = { refetchInterval: 2_000 };
  const message = useQuery({
    queryKey: ['message', direction, id],
    queryFn: () => getMessage(direction, id),
    ...live,
  });
  const attempts = useQuery({
    queryKey: ['attempts', direction, id],
    queryFn: () => getAttempts(direction, id),
    ...live,
  });
  const payload = useQuery({
    queryKey: ['payload', direction, id],
    queryFn: () => getPayload(direction, id),
    retry: false,
  });
  const endpointId = message.data?.endpoint_id;
  const endpoint = useQuery({
    queryKey: ['endpoint-url', direction, endpointId],
    enabled: Boolean(endpointId),
    queryFn: async () =>
      direction === 'outbound'
        ? (await endpoints.get(endpointId!)).url
        : (await inboundEndpoints.get(endpointId!)).url,
  });
  const action = useMutation({
    mutationFn: (name: 'replay' | 'retry-now' | 'cancel') => messageAction(direction, id, name),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['message', direction, id] }),
  });

  if (message.isPending) return <p>Loading…</p>;
  if (message.error) {
    return (
      <p className="error">
        {(message.error as { status?: number }).status === 404
          ? 'No such message in this project.'
          : message.error.message}
      </p>
    );
  }
  const m = message.data;
  const list = attempts.data ?? [];
  const sorted = [...list].sort(
    (a, b) => a.attempt_no - b.attempt_no || a.created_at.localeCompare(b.created_at),
  );
  const endpointLink =
    direction === 'outbound' ? `/endpoints/${m.endpoint_id}` : `/inbound/endpoints/${m.endpoint_id}`;

  return (
    <section>
      <p>
        <Link to={direction === 'outbound' ? '/messages' : '/inbound/messages'}>← Messages</Link>
      </p>
      <h1>
        Message <code>{m.id}</code> <StatusBadge status={m.status} />
      </h1>
      <div className="actions">
        <button
          type="button"
          onClick={() => action.mutate('replay')}
          disabled={action.isPending || m.replay_count >= MAX_REPLAYS}
        >
          Replay ({m.replay_count}/{MAX_REPLAYS})
        </button>
        {m.status === 'pending_retry' && (
          <>
            <button type="button" className="secondary" onClick={() => action.mutate('retry-now')}>
              Retry now
            </button>
            {direction === 'outbound' && (
              <button type="button" className="danger" onClick={() => action.mutate('cancel')}>
                Cancel
              </button>
            )}
          </>
        )}
        <CopyCurlButton direction={direction} messageId={m.id} />
      </div>
      {action.error && (
        <p role="alert" className="error">
          {action.error.message}
        </p>
      )}
      {action.isSuccess && <p className="notice">Done: {action.data.status}.</p>}
      <div className="two-col">
        <div className="panel">
          <dl className="facts">
            <dt>Endpoint</dt>
            <dd>
              <Link to={endpointLink}>{endpoint.data || m.endpoint_id}</Link>
            </dd>
            <dt>Attempts</dt>
            <dd data-testid="attempt-count">{m.attempt_count}</dd>
            <dt>Last response</dt>
            <dd>
              {m.response_status ?? '—'} in {formatMs(m.response_latency_ms)}
            </dd>
            {m.last_error && (
              <>
                <dt>Last error</dt>
                <dd className="error">{m.last_error}</dd>
              </>
            )}
            {m.next_attempt_at && (
              <>
                <dt>Next attempt</dt>
                <dd>{formatTime(m.next_attempt_at)}</dd>
              </>
            )}
            <dt>Created</dt>
            <dd>{formatTime(m.created_at)}</dd>
            <dt>Delivered</dt>
            <dd>{formatTime(m.delivered_at)}</dd>
            <dt>Size</dt>
            <dd>
              {formatBytes(m.size_bytes)} · {m.content_type}
            </dd>
            {m.idempotency_key && (
              <>
                <dt>Idempotency key</dt>
                <dd>
                  <code>{m.idempotency_key}</code>
                </dd>
              </>
            )}
          </dl>
        </div>
        <div className="panel">
          <h2 style={{ marginTop: 0 }}>Payload</h2>
          {payload.data ? (
            payload.data.body_encoding === 'utf8' ? (
              <JsonView text={payload.data.body} />
            ) : (
              <pre>{payload.data.body} (base64)</pre>
            )
          ) : (
            <p className="muted">{payload.error ? payload.error.message : 'Loading…'}</p>
          )}
          {payload.data && Object.keys(payload.data.headers).length > 0 && (
            <>
              <h2>Headers</h2>
              <pre>{JSON.stringify(payload.data.headers, null, 2)}</pre>
            </>
          )}
        </div>
      </div>
      <h2>Attempts</h2>
      {sorted.length === 0 ? (
        <p className="muted">No attempt yet.</p>
      ) : (
        <ol className="timeline" aria-label="Attempts">
          {sorted.map((attempt) => (
            <AttemptItem key={attempt.id} attempt={attempt} />
          ))}
        </ol>
      )}
    </section>
  );
}
