/**
 * The API client: same-origin fetch with the session cookie, the CSRF header on state-changing
 * calls, and problem+json errors turned into `ApiError` with field errors keyed by form field name
 * (`body.email` → `email`), so forms can show each message next to its field.
 */

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Sent as is (a file upload) instead of JSON; `headers['content-type']` says what it is. */
  rawBody?: Blob | ArrayBuffer | string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Set on the one retry after a stale CSRF token was refreshed. */
  retried?: boolean;
}

export interface ProblemDocument {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  errors?: Array<{ field: string; code: string; message: string; params?: Record<string, string | number | boolean> }>;
  requestId?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string | undefined,
    /** Field name → message; nested fields keep their dots (`mail.host`). */
    readonly fields: Record<string, string>,
    readonly requestId?: string,
    /** Field name → the error's stable code (`too_small`, `email_taken`…), for translations. */
    readonly fieldCodes: Record<string, string> = {},
    /** Field name → the values a translation of its error uses (`minimum`, `suggestion`…). */
    readonly fieldParams: Record<string, Record<string, string | number | boolean>> = {},
  ) {
    super(detail ?? title);
  }

  /** The problem was a network failure: nothing reached the server or no answer came back. */
  get network(): boolean {
    return this.status === 0;
  }
}

let csrfToken: string | null = null;
const expiredListeners = new Set<(error: ApiError) => void>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a call answers 401 `unauthenticated`: the session has ended or expired. */
export function onSessionExpired(listener: (error: ApiError) => void): () => void {
  expiredListeners.add(listener);
  return () => expiredListeners.delete(listener);
}

export function fieldName(field: string): string {
  return field.replace(/^(body|query|params)\./, '');
}

export function toQueryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export async function request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
  if (options.body !== undefined && options.rawBody === undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path + toQueryString(options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      signal: options.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'Network error', undefined, {});
  }
  const type = res.headers.get('content-type') ?? '';
  const payload: unknown = res.status === 204 ? undefined : type.includes('json') ? await res.json().catch(() => undefined) : await res.text();
  if (res.ok) return payload as T;

  const problem = (payload && typeof payload === 'object' ? payload : {}) as ProblemDocument;
  const fields: Record<string, string> = {};
  const fieldCodes: Record<string, string> = {};
  const fieldParams: Record<string, Record<string, string | number | boolean>> = {};
  for (const error of problem.errors ?? []) {
    const name = fieldName(error.field);
    fields[name] ??= error.message;
    fieldCodes[name] ??= error.code;
    if (error.params) fieldParams[name] ??= error.params;
  }
  const error = new ApiError(res.status, problem.code ?? `http_${res.status}`, problem.title ?? res.statusText, problem.detail, fields, problem.requestId, fieldCodes, fieldParams);
  if (res.status === 401 && error.code === 'unauthenticated') for (const listener of [...expiredListeners]) listener(error);
  // Another tab logged in again (a new session, a new CSRF token): take the current token and retry once.
  if (res.status === 403 && error.code === 'csrf_token_invalid' && !options.retried) {
    const me = await request<{ csrfToken: string | null }>('GET', '/api/auth/me').catch(() => null);
    if (me?.csrfToken && me.csrfToken !== csrfToken) {
      csrfToken = me.csrfToken;
      return request<T>(method, path, { ...options, retried: true });
    }
  }
  return Promise.reject(error);
}

export interface UploadOptions {
  /** The body's media type; defaults to the file's own type, else `application/octet-stream`. */
  contentType?: string;
  query?: Query;
  signal?: AbortSignal;
  /** POST unless said otherwise. */
  method?: 'POST' | 'PUT';
}

/**
 * Sends a file as the raw request body (not multipart: routes read the stream and enforce their
 * own size limit), with the session cookie and CSRF token; errors arrive as `ApiError` like any call.
 */
function upload<T = unknown>(path: string, file: Blob | ArrayBuffer | string, options: UploadOptions = {}): Promise<T> {
  const fileType = typeof Blob !== 'undefined' && file instanceof Blob ? file.type : '';
  const contentType = options.contentType ?? (fileType || 'application/octet-stream');
  return request<T>(options.method ?? 'POST', path, { rawBody: file, query: options.query, signal: options.signal, headers: { 'content-type': contentType } });
}

export const http = {
  upload,
  request,
  get: <T = unknown>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T = unknown>(path: string, body: unknown = {}) => request<T>('POST', path, { body }),
  put: <T = unknown>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  patch: <T = unknown>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: <T = unknown>(path: string) => request<T>('DELETE', path),
};

export type Http = typeof http;

/** A page of items as list routes return them. */
export interface Paged<T> {
  items: T[];
  total: number;
  limit?: number;
  offset?: number;
}
