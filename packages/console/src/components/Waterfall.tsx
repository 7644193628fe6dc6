import type { Attempt } from '../api/types';
import { formatMs } from './format';

const PHASES = [
  { key: 'dns_ms', label: 'DNS', className: 'wf-dns' },
  { key: 'tcp_connect_ms', label: 'Connect', className: 'wf-connect' },
  { key: 'tls_handshake_ms', label: 'TLS', className: 'wf-tls' },
  { key: 'ttfb_ms', label: 'First byte', className: 'wf-ttfb' },
  { key: 'transfer_ms', label: 'Transfer', className: 'wf-transfer' },
] as const;

/** One attempt's timing, phase by phase, as the delivery engine measured it. */
export function Waterfall({ attempt }: { attempt: Attempt }) {
  const phases = PHASES.map((phase) => ({ ...phase, ms: attempt[phase.key] ?? 0 }));
  const total = phases.reduce((sum, phase) => sum + phase.ms, 0);
  if (total <= 0)
    return (
      <p className="muted small">No timing recorded{attempt.conn_reused ? ' (reused connection)' : ''}.</p>
    );
  return (
    <div data-testid="waterfall">
      <div
        className="waterfall"
        role="img"
        aria-label={phases.map((p) => `${p.label} ${formatMs(p.ms)}`).join(', ')}
      >
        {phases.map((phase) =>
          phase.ms > 0 ? (
            <span
              key={phase.key}
              className={phase.className}
              style={{ width: `${(phase.ms / total) * 100}%` }}
              title={`${phase.label}: ${formatMs(phase.ms)}`}
            />
          ) : null,
        )}
      </div>
      <div className="legend">
        {phases.map((phase) => (
          <span key={phase.key}>
            <i className={phase.className} />
            {phase.label} {formatMs(phase.ms)}
          </span>
        ))}
        {attempt.conn_reused && <span>reused connection</span>}
      </div>
    </div>
  );
}
