import net from 'node:net';

export interface RawAnswer {
  /** 0 when nothing came back before the connection closed. */
  status: number;
  head: string;
  // Whatever JSON the server answered to a hand-written, often malformed, request (null when none): the
  // tests read it as an error envelope or a success body, so it stays untyped.
  body: any;
  text: string;
  /** The socket error the client saw, if any (ECONNRESET, EPIPE). */
  error: string | null;
}

/**
 * Writes bytes to the server over a plain TCP connection and reads what comes back until the server
 * closes or `waitMs` passes. With `writeAllFirst` the client reads nothing until everything is written,
 * as most HTTP clients do with a request body.
 */
export function rawRequest(
  baseUrl: string,
  chunks: Array<string | Buffer>,
  options: { writeAllFirst?: boolean; waitMs?: number } = {},
): Promise<RawAnswer> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    const received: Buffer[] = [];
    let error: string | null = null;
    if (options.writeAllFirst) socket.pause();
    socket.on('data', (chunk) => {
      received.push(chunk);
      if (isComplete(Buffer.concat(received).toString('latin1'))) finish();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseAnswer(Buffer.concat(received).toString('latin1'), error));
    };
    socket.on('close', finish);
    const timer = setTimeout(finish, options.waitMs ?? 10_000);
    const writeNext = (index: number) => {
      if (index === chunks.length) {
        socket.resume();
        return;
      }
      socket.write(chunks[index]!, (e) => {
        if (!e) writeNext(index + 1);
      });
    };
    writeNext(0);
  });
}

/** A whole answer has arrived: its head and as many body bytes as its Content-Length says. */
function isComplete(text: string): boolean {
  const split = text.indexOf('\r\n\r\n');
  if (split === -1) return false;
  // An accepted upgrade has no body: what follows is the other protocol.
  if (text.startsWith('HTTP/1.1 101 ')) return true;
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, split))?.[1];
  return length !== undefined && text.length - split - 4 >= Number(length);
}

export function parseAnswer(text: string, error: string | null = null): RawAnswer {
  const split = text.indexOf('\r\n\r\n');
  const head = split === -1 ? text : text.slice(0, split);
  const rest = split === -1 ? '' : text.slice(split + 4);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? rest.length);
  const bodyText = rest.slice(0, length);
  let body: RawAnswer['body'] = null;
  try {
    body = bodyText ? JSON.parse(bodyText) : null;
  } catch {}
  return { status, head, body, text: bodyText, error };
}

/** A request line and headers, CRLF-terminated, ending the head. */
export function head(requestLine: string, headers: Record<string, string | number>): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `${requestLine}\r\n${lines.join('')}\r\n`;
}
