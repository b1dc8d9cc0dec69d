import { pipeline, Readable, type Stream } from 'node:stream';
import type { Context } from 'koa';

/**
 * The one way a route sends a stream as its response body. A failing stream must never crash the
 * process nor leave the client waiting:
 * - the stages are joined with `stream.pipeline`, which hands an error in any stage to the last
 *   one (`a.pipe(b)` does not: an error in `a` is emitted with no listener and the process exits);
 * - the first chunk is read before the response starts, so a failure before any byte is thrown
 *   here and becomes a problem document like any other error;
 * - a failure after the first byte cuts the response (chunked or with a Content-Length, the client
 *   sees an incomplete body, never a short one it could take as whole); Koa's `error` event logs it.
 */
export async function sendStream(koa: Context, ...stages: [Readable, ...Stream[]]): Promise<void> {
  const source = (stages.length === 1 ? stages[0] : pipeline(stages as unknown as [Readable, ...NodeJS.WritableStream[]], () => {})) as Readable;
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let first: IteratorResult<Buffer | string>;
  try {
    first = await chunks.next();
  } catch (err) {
    source.destroy();
    throw err;
  }
  koa.body = Readable.from(resume(first, chunks), { objectMode: false });
}

async function* resume(first: IteratorResult<Buffer | string>, chunks: AsyncIterator<Buffer | string>): AsyncGenerator<Buffer | string> {
  try {
    if (first.done) return;
    yield first.value;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  } finally {
    // The client went away or the body was replaced: release the source (file descriptor, query).
    await chunks.return?.();
  }
}
