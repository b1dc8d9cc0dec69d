import { HttpError } from '../../http/problem';

/** Why a click-to-call request was refused, as stable codes for the API and for plugins. */
export type ClickToCallErrorCode =
  | 'number_invalid'
  | 'no_extension'
  | 'extension_not_found'
  | 'forbidden'
  | 'callerid_invalid'
  | 'callerid_forbidden'
  | 'number_restricted'
  | 'telephony_unavailable'
  | 'extension_unregistered'
  | 'originate_failed';

const STATUS: Record<ClickToCallErrorCode, number> = {
  number_invalid: 422,
  no_extension: 409,
  extension_not_found: 404,
  forbidden: 403,
  callerid_invalid: 422,
  callerid_forbidden: 403,
  number_restricted: 403,
  telephony_unavailable: 503,
  extension_unregistered: 409,
  originate_failed: 502,
};

const TITLE: Record<ClickToCallErrorCode, string> = {
  number_invalid: 'Invalid number',
  no_extension: 'No extension',
  extension_not_found: 'Extension not found',
  forbidden: 'Permission denied',
  callerid_invalid: 'Invalid caller ID',
  callerid_forbidden: 'Caller ID override not allowed',
  number_restricted: 'Number restricted',
  telephony_unavailable: 'Telephony unavailable',
  extension_unregistered: 'Phone not registered',
  originate_failed: 'Call not placed',
};

/** The request field an input error points at. */
const FIELD: Partial<Record<ClickToCallErrorCode, string>> = { number_invalid: 'body.number', callerid_invalid: 'body.callerId' };

/** A refused click-to-call: an HttpError, so routes answer it as a problem document with its code. */
export class ClickToCallError extends HttpError {
  declare readonly code: ClickToCallErrorCode;

  constructor(code: ClickToCallErrorCode, detail: string) {
    super(STATUS[code], code, TITLE[code], detail, FIELD[code] ? [{ field: FIELD[code], code, message: detail }] : undefined);
    this.name = 'ClickToCallError';
  }
}
