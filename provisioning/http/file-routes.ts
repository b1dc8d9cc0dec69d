import { createReadStream } from 'node:fs';
import { z } from 'zod';
import { HttpError } from '../../core/http/problem';
import { defineRoute, type RouteCall, type RouteDefinition } from '../../core/http/routes';
import { sendStream } from '../../core/http/stream-body';
import type { FileAnswer, ProvisioningFiles } from '../files/provisioning-files';

const REFUSALS: Record<number, { code: string; title: string }> = {
  401: { code: 'credentials_required', title: 'Authentication required' },
  403: { code: 'forbidden', title: 'Forbidden' },
  404: { code: 'not_found', title: 'Not found' },
};

/** Phones ask with whatever case they like; the checks happen in ProvisioningFiles. */
const fileParam = z.object({ file: z.string().min(1).max(200) });

/**
 * Writes the answer on the Koa context. Refusals are problem documents with a reason a person
 * can act on; a 401 carries the Digest and Basic challenges Grandstream's config client answers.
 */
function respond(call: RouteCall, answer: FileAnswer): unknown {
  const { koa } = call;
  if (answer.status !== 200) {
    const refusal = REFUSALS[answer.status]!;
    if (answer.challenges) koa.set('WWW-Authenticate', answer.challenges);
    throw new HttpError(answer.status, refusal.code, refusal.title, `Provisioning refused this request (${answer.reason.replace(/_/g, ' ')}).`);
  }
  // Configuration files carry SIP passwords: never cached on the way.
  koa.set('Cache-Control', 'no-store');
  if ('file' in answer) {
    koa.type = answer.contentType;
    koa.length = answer.size;
    // Bounded by the size announced: the stream ends with its last byte instead of one more read
    // to find the end, so a client that has everything and hangs up never cuts a response short.
    if (!answer.size) return Buffer.alloc(0);
    return sendStream(koa, createReadStream(answer.file, { start: 0, end: answer.size - 1 }));
  }
  koa.type = answer.contentType;
  if (answer.etag) {
    koa.set('Cache-Control', 'no-cache');
    koa.set('ETag', answer.etag);
    if (answer.lastModified) koa.lastModified = answer.lastModified;
    // Not modified: thrown, because a handler returning nothing answers 204 (the problem body is dropped on a 304).
    if (notModified(koa.get('if-none-match'), koa.get('if-modified-since'), answer.etag, answer.lastModified)) throw new HttpError(304, 'not_modified', 'Not modified');
  }
  return answer.body;
}

/**
 * RFC 9110 conditional GET, answered by the origin: If-None-Match wins over If-Modified-Since.
 * (Koa's `fresh` treats `Cache-Control: no-cache` as "never fresh", which is a cache's rule; a
 * client revalidating with its validator deserves a 304 from the origin.)
 */
export function notModified(ifNoneMatch: string, ifModifiedSince: string, etag: string, lastModified: Date | undefined): boolean {
  if (ifNoneMatch) {
    const tags = ifNoneMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
    return tags.includes('*') || tags.includes(etag);
  }
  if (ifModifiedSince && lastModified) {
    const since = Date.parse(ifModifiedSince);
    return Number.isFinite(since) && lastModified.getTime() <= since;
  }
  return false;
}

/** The site's secret path segment, on the routes under `/s/:key/` (checked with the rest in ProvisioningFiles). */
const secretKey = z.object({ key: z.string().min(1).max(64) });

function ask(files: ProvisioningFiles, call: RouteCall, path: string): Promise<FileAnswer> {
  const { koa } = call;
  const key = (call.params as { key?: string }).key;
  return files.answer({
    protocol: 'http',
    path: key === undefined ? path : `s/${key}/${path}`,
    ip: call.ip,
    userAgent: koa.get('user-agent'),
    method: koa.method,
    uri: koa.originalUrl,
    authorization: koa.get('authorization') || undefined,
    host: koa.get('host') || null,
    localPort: koa.req.socket.localPort,
  });
}

/**
 * What phones fetch under /provisioning/ (public: checked by network, MAC, claim window and
 * device credentials), at the top and again under the site's secret path `/s/:key/`.
 */
export function fileRoutes(files: ProvisioningFiles): RouteDefinition[] {
  const routes: RouteDefinition[] = [
    defineRoute({
      id: 'provisioning.files.config',
      method: 'GET',
      path: '/:file',
      summary: "A phone's configuration file (cfg<mac>.xml, cfg<mac>, upper-case forms)",
      description:
        "Served to allowed networks only. An assigned phone's secrets go to the first fetch on the secret path within its claim window, then only with its config-server credentials (HTTP Digest, challenged).",
      permission: 'public',
      input: { params: fileParam },
      handler: async (call) => respond(call, await ask(files, call, call.params.file)),
    }),
    defineRoute({
      id: 'provisioning.files.phonebook',
      method: 'GET',
      path: '/phonebook/:file',
      summary: "A claimed phone's phonebook (<mac>.xml), from the phonebook sources plugins register; its credentials are required",
      permission: 'public',
      input: { params: fileParam },
      handler: async (call) => respond(call, await ask(files, call, `phonebook/${call.params.file}`)),
    }),
    defineRoute({
      id: 'provisioning.files.phonebookFolder',
      method: 'GET',
      path: '/phonebook/:mac/phonebook.xml',
      summary: 'The same phonebook where Grandstream phones look for it (<phonebook path>/phonebook.xml)',
      permission: 'public',
      input: { params: z.object({ mac: z.string().min(1).max(40) }) },
      handler: async (call) => respond(call, await ask(files, call, `phonebook/${call.params.mac}/phonebook.xml`)),
    }),
    defineRoute({
      id: 'provisioning.files.firmware',
      method: 'GET',
      path: '/firmware/:file',
      summary: 'A firmware file from the configured firmware folder',
      permission: 'public',
      input: { params: fileParam },
      handler: async (call) => respond(call, await ask(files, call, `firmware/${call.params.file}`)),
    }),
  ];
  const onSecretPath = (route: RouteDefinition): RouteDefinition => ({
    ...route,
    id: `${route.id}OnSecretPath`,
    path: `/s/:key${route.path}`,
    summary: `${route.summary}, under the site secret path`,
    input: { params: (route.input!.params as z.ZodObject).extend(secretKey.shape) },
  });
  return [...routes, ...routes.map(onSecretPath)];
}
