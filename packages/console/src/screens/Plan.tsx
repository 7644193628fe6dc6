import { useQuery } from '@tanstack/react-query';
import { billing } from '../api/resources';

/** A self-hosted server has no paid plans: this shows the configured plan, quota and monthly usage. */
export default function Plan() {
  const subscription = useQuery({ queryKey: ['subscription'], queryFn: billing.subscription });
  const usage = useQuery({ queryKey: ['usage'], queryFn: billing.usage });
  const s = subscription.data;
  const quota = s?.limits.messages_per_month;
  return (
    <section>
      <h1>Plan</h1>
      {(subscription.error || usage.error) && (
        <p className="error">{(subscription.error ?? usage.error)!.message}</p>
      )}
      <div className="grid-cards">
        <div className="card">
          <div className="value" data-testid="plan-name">
            {s?.plan ?? '—'}
          </div>
          <div className="label">Plan ({s?.status ?? '—'})</div>
        </div>
        <div className="card">
          <div className="value">{s ? s.usage.messages_used.toLocaleString('en-US') : '—'}</div>
          <div className="label">Live messages this month</div>
        </div>
        <div className="card">
          <div className="value">
            {quota === null || quota === undefined ? 'unlimited' : Number(quota).toLocaleString('en-US')}
          </div>
          <div className="label">Monthly quota</div>
        </div>
        <div className="card">
          <div className="value">{s?.limits.retention_days ?? '—'} days</div>
          <div className="label">Payload retention</div>
        </div>
      </div>
      <p className="muted">
        Self-hosted: there is nothing to buy. The quota is HOOKBRIDGE_MONTHLY_MESSAGE_QUOTA and the retention
        HOOKBRIDGE_RETENTION_DAYS; test-mode keys are not metered.
      </p>
      <h2>Usage history</h2>
      <div className="table-wrap">
        <table aria-label="Usage history">
          <thead>
            <tr>
              <th>Month</th>
              <th>Messages</th>
              <th>Over quota</th>
            </tr>
          </thead>
          <tbody>
            {usage.data?.map((month) => (
              <tr key={month.period_start}>
                <td>{month.period_start.slice(0, 7)}</td>
                <td>{month.message_count.toLocaleString('en-US')}</td>
                <td>{month.overage_count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
