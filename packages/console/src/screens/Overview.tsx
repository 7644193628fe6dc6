import { useQueries, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { getMetrics, getTimeseries } from '../api/resources';
import type { Direction, Window } from '../api/types';
import { EndpointSelect, useEndpointOptions } from '../components/EndpointSelect';
import { formatPercent } from '../components/format';
import { MetricCards } from '../components/MetricCards';
import { Sparkline, TimeseriesChart } from '../components/TimeseriesChart';

const WINDOWS: Window[] = ['1h', '24h', '7d', '30d'];

function FailingEndpoints({ direction, window }: { direction: Direction; window: Window }) {
  const options = useEndpointOptions(direction);
  const metrics = useQueries({
    queries: (options.data ?? []).map((endpoint) => ({
      queryKey: ['metrics', direction, window, endpoint.id],
      queryFn: () => getMetrics(direction, window, endpoint.id),
    })),
  });
  const failing = (options.data ?? [])
    .map((endpoint, index) => ({ endpoint, metrics: metrics[index]?.data }))
    .filter((row) => row.metrics && (row.metrics.failed > 0 || row.metrics.retries > 0))
    .sort((a, b) => b.metrics!.failed - a.metrics!.failed || b.metrics!.retries - a.metrics!.retries)
    .slice(0, 8);
  const series = useQueries({
    queries: failing.map((row) => ({
      queryKey: ['timeseries', direction, window, row.endpoint.id],
      queryFn: () => getTimeseries(direction, window, row.endpoint.id),
    })),
  });
  const base = direction === 'outbound' ? '/endpoints' : '/inbound/endpoints';
  if (failing.length === 0) return <p className="muted">No endpoint failed or retried in this window.</p>;
  return (
    <div className="table-wrap">
      <table aria-label="Failing endpoints">
        <thead>
          <tr>
            <th>Endpoint</th>
            <th>Failed</th>
            <th>Retries</th>
            <th>Success rate</th>
            <th>Failures and retries over time</th>
          </tr>
        </thead>
        <tbody>
          {failing.map((row, index) => (
            <tr key={row.endpoint.id}>
              <td>
                <Link to={`${base}/${row.endpoint.id}`}>{row.endpoint.label}</Link>
              </td>
              <td>{row.metrics!.failed}</td>
              <td>{row.metrics!.retries}</td>
              <td>{formatPercent(row.metrics!.success_rate)}</td>
              <td>
                <Sparkline
                  values={(series[index]?.data ?? []).map((b) => b.failed + b.retrying)}
                  color="#dc2626"
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function Overview() {
  const [params, setParams] = useSearchParams();
  const window = (WINDOWS.find((w) => w === params.get('window')) ?? '24h') as Window;
  const direction: Direction = params.get('direction') === 'inbound' ? 'inbound' : 'outbound';
  const endpointId = params.get('endpoint_id') || null;
  const set = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name === 'direction') next.delete('endpoint_id');
    setParams(next, { replace: true });
  };
  const metrics = useQuery({
    queryKey: ['metrics', direction, window, endpointId],
    queryFn: () => getMetrics(direction, window, endpointId),
    refetchInterval: 10_000,
  });
  const series = useQuery({
    queryKey: ['timeseries', direction, window, endpointId],
    queryFn: () => getTimeseries(direction, window, endpointId),
    refetchInterval: 10_000,
  });

  return (
    <section>
      <h1>Overview</h1>
      <div className="toolbar">
        <fieldset className="segmented" aria-label="Window">
          {WINDOWS.map((w) => (
            <label key={w} className="inline">
              <input type="radio" name="window" checked={w === window} onChange={() => set('window', w)} />{' '}
              {w}
            </label>
          ))}
        </fieldset>
        <fieldset className="segmented" aria-label="Direction">
          {(['outbound', 'inbound'] as const).map((d) => (
            <label key={d} className="inline">
              <input
                type="radio"
                name="direction"
                checked={d === direction}
                onChange={() => set('direction', d)}
              />{' '}
              {d}
            </label>
          ))}
        </fieldset>
        <div>
          <label htmlFor="o-endpoint">Endpoint</label>
          <EndpointSelect
            id="o-endpoint"
            direction={direction}
            value={endpointId ?? ''}
            onChange={(value) => set('endpoint_id', value)}
          />
        </div>
      </div>
      {metrics.error && <p className="error">{metrics.error.message}</p>}
      <MetricCards metrics={metrics.data} />
      <div className="panel">
        {series.data ? <TimeseriesChart buckets={series.data} /> : <p className="muted">Loading chart…</p>}
        <p className="muted small">
          Bars count <strong>messages</strong> created in each bucket, by their status now: succeeded, failed
          permanently (dead-lettered), waiting for a retry, or queued and in flight; a message counts once,
          however many attempts or replays it had. The line is the mean receiver latency of the{' '}
          <strong>attempts</strong> made in the bucket: first attempts, retries and replays alike. "Retries"
          above counts attempts after a message's first.
        </p>
      </div>
      <h2>Failing endpoints</h2>
      <FailingEndpoints direction={direction} window={window} />
    </section>
  );
}
