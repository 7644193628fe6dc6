import { StartupError } from '../startup-error.js';
import { isConnectionFailure } from './connection-errors.js';

/** Where DATABASE_URL points, for messages: never the password. */
export function describeTarget(connectionString: string): {
  host: string;
  port: string;
  database: string;
  user: string;
} {
  try {
    const url = new URL(connectionString);
    return {
      host: decodeURIComponent(url.hostname) || 'localhost',
      port: url.port || '5432',
      database: decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username),
      user: decodeURIComponent(url.username) || 'the default user',
    };
  } catch {
    return { host: 'localhost', port: '5432', database: '?', user: '?' };
  }
}

/** A server that is not up yet (still starting, not yet in DNS under compose): worth waiting for. */
export function isNotUpYet(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return isConnectionFailure(error) || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}

/**
 * The one-line message, with the next step, for a PostgreSQL server that refused us; null for an error
 * that is not about reaching or logging into the database.
 */
export function postgresFailure(
  error: unknown,
  connectionString: string,
  waitedMs: number,
): StartupError | null {
  const { host, port, database, user } = describeTarget(connectionString);
  const at = `${host}:${port}`;
  const code = (error as { code?: unknown }).code;
  if (code === '3D000') {
    return new StartupError(
      `database "${database}" does not exist on PostgreSQL at ${at}; create it (createdb -h ${host} -p ${port} ${database}) or correct DATABASE_URL`,
    );
  }
  if (code === '28000' || code === '28P01') {
    const why = code === '28P01' ? 'password authentication failed for' : 'the server refused';
    const detail = (error as Error).message;
    return new StartupError(
      /role .* does not exist/.test(detail)
        ? `role "${user}" does not exist on PostgreSQL at ${at}; create it (createuser -h ${host} -p ${port} ${user}) or correct the user in DATABASE_URL`
        : `${why} user "${user}" on PostgreSQL at ${at}; correct the user or password in DATABASE_URL`,
    );
  }
  if (isNotUpYet(error)) {
    const reason = typeof code === 'string' ? code : (error as Error).message;
    const waited = waitedMs > 0 ? ` after waiting ${Math.round(waitedMs / 1000)} s` : '';
    return new StartupError(
      `cannot reach PostgreSQL at ${at} (${reason})${waited}; check that it is running and that DATABASE_URL names its host and port (HOOKBRIDGE_DATABASE_WAIT_MS sets how long to wait for it)`,
    );
  }
  return null;
}
