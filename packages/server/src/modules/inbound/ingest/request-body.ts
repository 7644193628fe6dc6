import type { Readable } from 'node:stream';

/** The most an ingest accepts, as HookBridge documents. */
export const MAX_INGEST_BYTES = 1024 * 1024;

/**
 * Reads a request body into memory, giving up (without reading further) as soon as it passes `limit`
 * bytes. The caller then answers 413; the rest is read and dropped after the answer (http/unread-body.ts).
 */
export function readBody(stream: Readable | undefined, limit: number): Promise<Buffer | 'too_large'> {
  if (!stream) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        stream.pause();
        resolve('too_large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('the client closed the connection before the body was complete'));
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
    stream.resume();
  });
}
