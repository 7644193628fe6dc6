const LABELS: Record<string, string> = {
  queued: 'queued',
  delivering: 'delivering',
  succeeded: 'succeeded',
  pending_retry: 'retrying',
  failed_permanent: 'failed',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge status-${status}`} data-status={status}>
      {LABELS[status] ?? status}
    </span>
  );
}

export const MESSAGE_STATUSES = [
  'queued',
  'delivering',
  'succeeded',
  'pending_retry',
  'failed_permanent',
] as const;
