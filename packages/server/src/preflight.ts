import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Config } from './config.js';
import { StartupError } from './startup-error.js';

/**
 * Everything a start can fail on that does not need the store, checked before the store is opened: a
 * start that fails here leaves an empty data directory empty (no project, no key nobody saw) and never
 * loads the embedded database.
 */
export async function preflight(
  config: Pick<Config, 'host' | 'port' | 'deliveryCaFile'>,
  roles: { api: boolean; worker: boolean },
): Promise<void> {
  if (roles.worker && config.deliveryCaFile) checkCaFile(config.deliveryCaFile);
  if (roles.api) {
    await checkHost(config.host);
    await probePort(config.host, config.port);
  }
}

function checkCaFile(path: string): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new StartupError(
      `HOOKBRIDGE_DELIVERY_CA_FILE ${path} cannot be read (${code}); point it at a PEM file of CA certificates, or unset it`,
    );
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new StartupError(
      `HOOKBRIDGE_DELIVERY_CA_FILE ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----); point it at a PEM file of CA certificates, or unset it`,
    );
  }
}

async function checkHost(host: string): Promise<void> {
  try {
    await lookup(host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new StartupError(
      `HOST "${host}" does not resolve (${code}); use an address of this machine such as 127.0.0.1 or 0.0.0.0 (--host or HOST)`,
    );
  }
}

/** Binds the address for a moment: the store is opened only when the real listen can succeed. */
function probePort(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(listenFailure(error, host, port)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** The one-line message for a failed listen; the real listen uses it too (another process may win the race). */
export function listenFailure(error: unknown, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new StartupError(
      `port ${port} on ${host} is already in use; stop the process using it, or choose another port with --port <port> or PORT=<port> (0 picks a free one)`,
    );
  }
  if (code === 'EADDRNOTAVAIL') {
    return new StartupError(
      `HOST ${host} is not an address of this machine; use 127.0.0.1, 0.0.0.0 or one of its own addresses (--host or HOST)`,
    );
  }
  if (code === 'EACCES') {
    return new StartupError(
      `port ${port} needs privileges this process lacks; choose a port above 1023 with --port <port> or PORT=<port>`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
