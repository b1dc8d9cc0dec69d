/** A field that failed validation, as reported in a problem document. */
export interface FieldError {
  /** Dotted path of the field, prefixed with where it came from: body.email, query.limit. */
  field: string;
  code: string;
  message: string;
  /**
   * Values a client needs to word the error itself, in its reader's language (`minimum`,
   * `maximum`, `format`, a `suggestion`…): `message` is English, `code` + `params` are for translations.
   */
  params?: Record<string, string | number | boolean>;
}

/**
 * An error with a stable code, turned into an `application/problem+json` response (RFC 9457).
 * Anything else thrown from a handler becomes a 500 `internal_error` with no details leaked.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
  }

  static badRequest(code: string, title: string, detail?: string): HttpError {
    return new HttpError(400, code, title, detail);
  }
  static validation(errors: FieldError[], detail = 'Some fields are missing or invalid.'): HttpError {
    return new HttpError(422, 'validation_failed', 'Validation failed', detail, errors);
  }
  static unauthenticated(detail = 'Log in or send a valid API token.'): HttpError {
    return new HttpError(401, 'unauthenticated', 'Authentication required', detail);
  }
  static forbidden(permission: string): HttpError {
    return new HttpError(403, 'forbidden', 'Permission denied', `This action needs the permission "${permission}".`);
  }
  static notFound(what = 'resource', detail?: string): HttpError {
    return new HttpError(404, 'not_found', 'Not found', detail ?? `No such ${what}.`);
  }
  static conflict(code: string, detail: string, errors?: FieldError[]): HttpError {
    return new HttpError(409, code, 'Conflict', detail, errors);
  }
}
