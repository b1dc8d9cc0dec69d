/** One earlier call or attempt to the contact, by any campaign. */
export interface ContactAttempt {
  readonly at: Date;
  /** The professional on whose behalf the call was made ("campaign owner"). */
  readonly ownerId: string;
  readonly campaignId?: string;
  /** Only `abandoned` matters to the rules (Ofcom's 72-hour repeat rule). */
  readonly outcome?: 'answered' | 'abandoned' | 'machine' | 'busy' | 'no-answer' | 'failed';
}

export interface ContactRefusal {
  readonly at: Date;
  readonly ownerId: string;
}

export interface ConsentRecord {
  readonly givenAt: Date;
  readonly withdrawnAt?: Date;
}

export interface ComplianceContact {
  readonly phoneNumber: string;
  /** ISO 3166 alpha-2 country of the consumer. */
  readonly country: string;
  /** IANA zone when known; otherwise derived from the postal code or the pack's fallback zones. */
  readonly timeZone?: string;
  readonly postalCode?: string;
  readonly consent?: ConsentRecord;
  /** The call is made in the course of a contract in force with the consumer. */
  readonly existingContract?: boolean;
  /** On a do-not-call list: Bloctel, TPS, the national registry, or the owner's own list. */
  readonly doNotCall?: boolean;
  readonly refusals?: readonly ContactRefusal[];
  readonly attempts?: readonly ContactAttempt[];
}

export interface ComplianceCampaign {
  readonly id: string;
  readonly ownerId: string;
  /** Consumer telemarketing, or calls to businesses (outside the consumer-canvassing rules). */
  readonly audience: 'consumer' | 'business';
  /** Every answered call is sure to find an agent (preview, progressive, manual). */
  readonly guaranteesAgent?: boolean;
}

export type WeekdayName = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
/** Local "HH:mm" start (inclusive) and end (exclusive). */
export type TimeRange = readonly [string, string];

export type RuleDefinition =
  | { readonly id: string; readonly kind: 'do-not-call'; readonly params: { readonly lists: readonly string[] } }
  | {
      readonly id: string;
      readonly kind: 'consent-required';
      readonly params: {
        readonly audiences: readonly ('consumer' | 'business')[];
        readonly exemptExistingContract: boolean;
        readonly legalBasis: string;
      };
    }
  | {
      readonly id: string;
      readonly kind: 'refusal-cooldown';
      /** days null: a refusal is final. */
      readonly params: { readonly days: number | null; readonly scope: 'owner' };
    }
  | {
      readonly id: string;
      readonly kind: 'attempt-limit';
      /** windowDays null: over the contact's whole history. */
      readonly params: { readonly max: number; readonly windowDays: number | null; readonly scope: 'owner' | 'campaign' };
    }
  | {
      readonly id: string;
      readonly kind: 'calling-hours';
      readonly params: {
        readonly weekly: Readonly<Partial<Record<WeekdayName, readonly TimeRange[]>>>;
        /** Public holidays (date-holidays types) on which nobody is called. */
        readonly holidays: { readonly country: string; readonly types: readonly string[] } | null;
      };
    }
  | { readonly id: string; readonly kind: 'abandoned-call-repeat'; readonly params: { readonly hours: number } };

/** Dialling limits the pacer and the call flow must honour under a pack. */
export interface DialingLimits {
  readonly maxAbandonRate: number;
  readonly abandonWindowSeconds: number;
  readonly abandonGraceSeconds: number;
  readonly minRingSeconds: number;
  readonly basis: string;
}

export interface RulePack {
  readonly id: string;
  readonly version: string;
  /** First day (ISO date, UTC) this version applies. */
  readonly effectiveFrom: string;
  readonly country: string;
  readonly description: string;
  /** Zones assumed when the contact's cannot be told; a call must be allowed in all of them. */
  readonly fallbackTimeZones: readonly string[];
  readonly rules: readonly RuleDefinition[];
  readonly dialing: DialingLimits;
}

export interface RuleVerdict {
  readonly ruleId: string;
  readonly kind: RuleDefinition['kind'];
  readonly params: RuleDefinition['params'];
  readonly allowed: boolean;
  /** When the rule stops blocking; null when it never will on the facts known. */
  readonly nextAllowedAt: Date | null;
  readonly reason: string;
}

export interface ComplianceDecision {
  readonly allowed: boolean;
  readonly checkedAt: Date;
  /** Earliest time every rule allows the call (checkedAt when allowed now); null: never. */
  readonly nextAllowedAt: Date | null;
  /** The first rule, in pack order, that blocks the call now. */
  readonly decidingRule: RuleVerdict | null;
  readonly blockingRules: readonly RuleVerdict[];
  readonly pack: { readonly id: string; readonly version: string };
  readonly timeZones: readonly string[];
}
