/** A small HTTP client for tests: keeps the session cookie and sends the CSRF token like the UI does. */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export class ApiClient {
  cookie: string | null = null;
  csrfToken: string | null = null;
  bearer: string | null = null;

  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const all: Record<string, string> = { ...headers };
    if (body !== undefined && typeof body !== 'string') all['content-type'] = 'application/json';
    if (this.cookie) all.cookie = this.cookie;
    if (this.bearer) all.authorization = `Bearer ${this.bearer}`;
    if (this.csrfToken && !('x-csrf-token' in all)) all['x-csrf-token'] = this.csrfToken;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: all,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('carillon_session='));
    if (setCookie) {
      const value = setCookie.split(';')[0];
      this.cookie = value === 'carillon_session=' ? null : value;
    }
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    // Login and password changes hand out a new CSRF token with the new session.
    const fresh = (parsed as { csrfToken?: unknown } | null)?.csrfToken;
    if (res.ok && typeof fresh === 'string') this.csrfToken = fresh;
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body ?? {}, headers);
  }
  put<T = any>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', path, body, headers);
  }
  patch<T = any>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', path, body, headers);
  }
  delete<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', path, undefined, headers);
  }

  async login(email: string, password: string, totpCode?: string): Promise<ApiResponse> {
    return this.post('/api/auth/login', { email, password, ...(totpCode ? { totpCode } : {}) });
  }
}
