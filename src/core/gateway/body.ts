import type { IncomingMessage } from 'node:http';

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
  }
}

/** The request ended in an error (the client went away mid-body) before the whole body arrived. */
export class BodyAborted extends Error {
  constructor(override readonly cause: unknown) {
    super(`the request body was not received whole (${(cause as Error)?.message ?? String(cause)})`);
    this.name = 'BodyAborted';
  }
}

const ignore = () => undefined;

/**
 * Reads a request body up to `max` bytes; refuses early on a declared
 * Content-Length above it. Rejects only with BodyTooLarge or BodyAborted.
 * Listeners rather than `for await`: leaving an async iterator destroys the
 * request, and with it the socket the refusal must go out on. Once settled,
 * a no-op 'error' listener stays, so a late socket error cannot become an
 * uncaught exception.
 */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      req.on('error', ignore);
      return reject(new BodyTooLarge(max));
    }
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        cleanup();
        reject(new BodyTooLarge(max));
        return;
      }
      parts.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(parts, size));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(new BodyAborted(e));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.on('error', ignore);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/**
 * After refusing a body: let the rest of it drain so the client reads the
 * refusal instead of a reset, but cut the connection if it keeps sending.
 */
export function drainThenClose(req: IncomingMessage, limit: number): void {
  let drained = 0;
  req.on('data', (c: Buffer) => {
    drained += c.length;
    if (drained > limit) req.socket.destroy();
  });
  req.on('error', ignore);
  req.resume();
}
