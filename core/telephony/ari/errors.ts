/** Why an ARI request failed. */
export type AriFailureKind =
  /** No answer in time, including a socket Asterisk closed without answering. */
  | 'timeout'
  /** Asterisk answered with an error status; `reason` holds its message. */
  | 'rejected'
  /** No connection to Asterisk at the moment. */
  | 'unavailable';

/** A failed ARI request. ari-client reports an error answer as an Error whose message is the body. */
export class AriRequestError extends Error {
  readonly code = 'ari_request_failed';

  constructor(
    readonly operation: string,
    readonly kind: AriFailureKind,
    readonly reason: string,
  ) {
    super(`ARI ${operation} failed (${kind}): ${reason}`);
    this.name = 'AriRequestError';
  }

  /** Asterisk's answer to an originate toward an endpoint that is unknown or not registered. */
  get allocationFailed(): boolean {
    return this.kind === 'rejected' && this.reason === 'Allocation failed';
  }

  get notFound(): boolean {
    return this.kind === 'rejected' && / not found$/i.test(this.reason);
  }

  /** Turns what ari-client rejected with (an Error with the body, a string, anything) into an AriRequestError. */
  static from(operation: string, err: unknown): AriRequestError {
    if (err instanceof AriRequestError) return err;
    const text = err instanceof Error ? err.message : String(err);
    let reason = text;
    try {
      // Bodies are {"message": "..."}, except allocation failures: {"error": "Allocation failed"}.
      const body = JSON.parse(text) as { message?: unknown; error?: unknown };
      if (typeof body.message === 'string') reason = body.message;
      else if (typeof body.error === 'string') reason = body.error;
    } catch {
      // Not JSON: keep the text as it is.
    }
    return new AriRequestError(operation, 'rejected', reason);
  }
}
