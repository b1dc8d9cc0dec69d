/** An HTTP answer of the simulated ARI. */
export interface Reply {
  status: number;
  body?: unknown;
}

export const fail = (status: number, message: string): Reply => ({ status, body: { message } });

/** Media formats this simulated Asterisk knows (originate `formats`, recording `format`). */
export const FORMATS = new Set(['ulaw', 'alaw', 'g722', 'gsm', 'slin', 'slin16', 'opus', 'g729', 'wav']);
