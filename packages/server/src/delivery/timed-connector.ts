/**
 * The sockets deliveries run on: an undici connector that applies the SSRF guard at connect time and
 * records, per socket, how long DNS, TCP and TLS took and which address it reached, and the link from a
 * request in flight to the socket carrying it.
 */
import { channel } from 'node:diagnostics_channel';
import { isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { SecureContext } from 'node:tls';
import { buildConnector } from 'undici';
import { addressBlockedError, guardedLookup, isPublicAddress } from './address-guard.js';

/** What the connector learned about one socket; shared by every request that later reuses it. */
export interface Connection {
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  remoteAddress: string | null;
  requests: number;
}

/** A request in flight that wants to know which connection carries it. */
export interface SocketWaiter {
  onSocket(connection: Connection): void;
}

const connections = new WeakMap<Socket, Connection>();
/** Failed connects, keyed by the error undici hands to every request queued on that origin. */
const failedConnections = new WeakMap<Error, Connection>();

/** The connection whose connect failed with `error` (what it learned before failing), if it was ours. */
export function failedConnectionOf(error: Error): Connection | null {
  return failedConnections.get(error) ?? null;
}

/*
 * undici does not tell a handler which socket carries its request. It does call the handler's
 * onRequestStart and then, synchronously and with nothing in between, publish `undici:client:sendHeaders`
 * with the socket. So the request that just started is parked here and claimed by the next publish; the
 * WeakMap check ignores sockets that are not ours (other undici copies publish on the same channel).
 */
let starting: SocketWaiter | null = null;
let subscribed = false;

/** Call from the handler's onRequestStart: the socket undici writes the request to next is this one's. */
export function awaitSocket(waiter: SocketWaiter): void {
  starting = waiter;
}

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  channel('undici:client:sendHeaders').subscribe((message) => {
    const waiter = starting;
    if (waiter === null) return;
    starting = null;
    const connection = connections.get((message as { socket: Socket }).socket);
    if (connection !== undefined) waiter.onSocket(connection);
  });
}

export interface ConnectorOptions {
  timeoutMs: number;
  secureContext: SecureContext;
  /** Development and tests only: connect to loopback and private addresses too. */
  allowPrivateNetworks: boolean;
}

export function timedConnector(options: ConnectorOptions): buildConnector.connector {
  subscribeOnce();
  const allowPrivate = options.allowPrivateNetworks;
  const base = buildConnector({
    timeout: options.timeoutMs,
    keepAlive: true,
    secureContext: options.secureContext,
    ...(allowPrivate ? {} : { lookup: guardedLookup(false) }),
  }) as unknown as (options: buildConnector.Options, callback: buildConnector.Callback) => Socket;

  return (connectOptions, callback) => {
    const startedAt = performance.now();
    const connection: Connection = {
      dnsMs: null,
      connectMs: null,
      tlsMs: null,
      remoteAddress: null,
      requests: 0,
    };
    const host = connectOptions.hostname;
    // An IP literal never reaches the lookup function, so the guard has to look at it here.
    if (!allowPrivate && isIP(host) !== 0 && !isPublicAddress(host)) {
      const error = addressBlockedError(host, host);
      connection.remoteAddress = host;
      failedConnections.set(error, connection);
      callback(error, null);
      return;
    }
    let lookedUpAt = startedAt;
    let connectedAt = 0;
    const socket = base(connectOptions, (error, connected) => {
      if (error !== null) {
        failedConnections.set(error, connection);
        callback(error, null);
        return;
      }
      connection.remoteAddress = connected.remoteAddress ?? null;
      connections.set(connected, connection);
      callback(null, connected);
    });
    socket.once('lookup', (error: Error | null, address: string | undefined) => {
      lookedUpAt = performance.now();
      connection.dnsMs = lookedUpAt - startedAt;
      if (error === null && address) connection.remoteAddress = address;
    });
    socket.once('connect', () => {
      connectedAt = performance.now();
      connection.connectMs = connectedAt - lookedUpAt;
    });
    if (connectOptions.protocol === 'https:') {
      socket.once('secureConnect', () => {
        if (connectedAt !== 0) connection.tlsMs = performance.now() - connectedAt;
      });
    }
  };
}
