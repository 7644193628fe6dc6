import type { Metrics } from '../api/types';
import { formatMs, formatPercent } from './format';

export function MetricCards({ metrics }: { metrics: Metrics | undefined }) {
  const cards = [
    { label: 'Messages', value: metrics?.total_messages.toLocaleString('en-US') },
    { label: 'Success rate', value: formatPercent(metrics?.success_rate) },
    { label: 'Failed (dead-lettered)', value: metrics?.failed.toLocaleString('en-US') },
    { label: 'Retries (attempts after the first)', value: metrics?.retries.toLocaleString('en-US') },
    { label: 'Avg receiver latency', value: formatMs(metrics?.avg_latency_ms) },
  ];
  return (
    <div className="grid-cards five">
      {cards.map((card) => (
        <div className="card" key={card.label} data-testid={`metric-${card.label}`}>
          <div className="value">{card.value ?? '—'}</div>
          <div className="label">{card.label}</div>
        </div>
      ))}
    </div>
  );
}
