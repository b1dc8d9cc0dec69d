/**
 * The final SIP response a calling phone receives when Asterisk hangs up its unanswered channel
 * with a given Q.850 cause: chan_pjsip's hangup_cause2sip (Asterisk 22.10, channels/chan_pjsip.c).
 * A cause it does not map (16 Normal Clearing among them) leaves res_pjsip_session's default for
 * an unanswered INVITE: 603 Decline.
 */
const CAUSE_TO_SIP: Record<number, number> = {
  1: 404, 2: 404, 3: 404,
  17: 486, 18: 408, 19: 480, 20: 480, 21: 403, 22: 410, 23: 302, 27: 502, 28: 484, 29: 501,
  31: 480, 34: 503, 38: 500, 42: 503, 58: 488, 66: 503, 127: 500,
};

export function sipResponseOf(cause: number): number {
  return CAUSE_TO_SIP[cause] ?? 603;
}
