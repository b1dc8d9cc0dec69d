import { Worker } from 'node:worker_threads';

export interface WorkerRequest {
  url: string;
  headers: Record<string, string>;
}

export interface WorkerResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

// Plain JavaScript: the worker runs without the test's TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
Promise.all(workerData.map(async (request) => {
  const res = await fetch(request.url, { headers: request.headers });
  return { status: res.status, headers: [...res.headers], body: await res.arrayBuffer() };
})).then((responses) => parentPort.postMessage(responses, responses.map((r) => r.body)));
`;

/**
 * GETs done at once by clients on a thread of their own, the bodies handed back without a copy.
 * For tests that watch the server's event loop in the test process: reading and joining
 * megabytes of responses is the clients' work, and on the main thread it would stall the loop
 * the test is watching.
 */
export function fetchInWorker(requests: WorkerRequest[]): Promise<WorkerResponse[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: requests });
    worker.once('message', (responses: Array<{ status: number; headers: Array<[string, string]>; body: ArrayBuffer }>) => {
      resolve(responses.map((r) => ({ status: r.status, headers: new Headers(r.headers), body: Buffer.from(r.body) })));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`fetch worker exited with code ${code} before answering`)));
  });
}
