/**
 * Whether an error means the database could not be reached or dropped the connection (a restart, a
 * failover, an administrator ending sessions, a full connection table), as opposed to a statement that
 * failed. Such a request may be retried as it is; the pool opens new connections for the next one.
 */
export function isConnectionFailure(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    // SQLSTATE class 08 (connection exception), 57P01–57P03 (shutdown, crash, cannot connect now), 53300
    // (too many connections); then the socket errors of a connection that went away.
    if (code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300') return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code))
      return true;
  }
  // node-postgres reports a vanished server or an exhausted connect timeout only in its messages.
  return (
    typeof message === 'string' &&
    /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/.test(
      message,
    )
  );
}
