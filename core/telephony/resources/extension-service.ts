import type { Sequelize, Transaction } from 'sequelize';
import { User } from '../../auth/models';
import { HttpError } from '../../http/problem';
import type { SecretBox } from '../../security/secret-box';
import type { Codec } from '../config/snapshot';
import { checkCodecsAvailable, DEFAULT_CODECS } from './codec-rules';
import type { TelephonyConfigChanges } from './config-changes';
import type { DestinationRules } from './destinations';
import type { InternalNumbers } from './internal-numbers';
import { Extension, RestrictionClass, Trunk, type RecordingPolicy } from './models';
import { Problems, refusingDuplicates, stillReferenced } from './problems';
import { searchWhere, type ListFilter, type Page } from './search';
import { generateSipSecret } from './secrets';
import type { TelephonySettings } from './settings';

export interface ExtensionView {
  id: number;
  number: string;
  name: string;
  userId: number | null;
  sipUsername: string;
  codecs: Codec[];
  maxContacts: number;
  webrtc: boolean;
  voicemail: { enabled: boolean; email: string | null };
  recording: RecordingPolicy;
  restrictionClass: string;
  outboundCallerId: string | null;
  doNotDisturb: boolean;
  forwarding: { unconditional: string | null; busy: string | null; noAnswer: string | null; noAnswerSeconds: number };
  createdAt: string;
  updatedAt: string;
}

export interface ExtensionInput {
  number?: string;
  name?: string;
  userId?: number | null;
  sipUsername?: string;
  codecs?: Codec[];
  maxContacts?: number;
  webrtc?: boolean;
  voicemail?: { enabled?: boolean; email?: string | null };
  recording?: RecordingPolicy;
  restrictionClass?: string;
  outboundCallerId?: string | null;
  doNotDisturb?: boolean;
  forwarding?: { unconditional?: string | null; busy?: string | null; noAnswer?: string | null; noAnswerSeconds?: number };
}

/** New extensions may call France but not abroad nor surcharged numbers, unless told otherwise. */
export const DEFAULT_RESTRICTION_CLASS = 'national';

const EXTENSION_UNIQUE = { sip_username: 'body.sipUsername', user_id: 'body.userId', number: 'body.number' };

/** SIP extensions: a phone or softphone account with a generated secret kept encrypted. */
export class ExtensionService {
  constructor(
    private readonly deps: {
      sequelize: Sequelize;
      secretBox: SecretBox;
      numbers: InternalNumbers;
      destinations: DestinationRules;
      settings: TelephonySettings;
      changes: TelephonyConfigChanges;
    },
  ) {}

  async find(id: number): Promise<Extension> {
    const extension = await Extension.findByPk(id);
    if (!extension) throw HttpError.notFound('extension', `No extension with id ${id}.`);
    return extension;
  }

  async get(id: number): Promise<ExtensionView> {
    return (await this.views([await this.find(id)]))[0]!;
  }

  async list(filter: ListFilter): Promise<Page<ExtensionView>> {
    const { rows, count } = await Extension.findAndCountAll({
      where: searchWhere(Extension, ['number', 'name', 'sipUsername'], filter.search),
      order: [['number', 'ASC']],
      limit: filter.limit,
      offset: filter.offset,
    });
    return { items: await this.views(rows), total: count };
  }

  async create(input: ExtensionInput & { number: string; name: string }): Promise<ExtensionView> {
    const sipUsername = input.sipUsername ?? input.number;
    const restrictionClass = await this.validate({ ...input, sipUsername }, null);
    const created = await refusingDuplicates(EXTENSION_UNIQUE, () =>
      this.deps.sequelize.transaction((transaction) => this.insert({ ...input, sipUsername }, restrictionClass!.id, generateSipSecret(), transaction)),
    );
    this.deps.changes.committed('extension', 'created', created.id);
    return this.get(created.id);
  }

  /** One new extension row and its number, inside the caller's transaction (single and bulk creation). */
  async insert(input: ExtensionInput & { number: string; name: string; sipUsername: string }, restrictionClassId: number, sipPassword: string, transaction: Transaction): Promise<Extension> {
    const extension = await Extension.create(
      {
        number: input.number,
        name: input.name.trim(),
        userId: input.userId ?? null,
        sipUsername: input.sipUsername,
        sipPasswordSealed: this.deps.secretBox.encrypt(sipPassword),
        codecs: input.codecs ?? DEFAULT_CODECS,
        maxContacts: input.maxContacts ?? 3,
        webrtc: input.webrtc ?? false,
        voicemailEnabled: input.voicemail?.enabled ?? false,
        voicemailEmail: input.voicemail?.email ?? null,
        recording: input.recording ?? 'never',
        restrictionClassId,
        outboundCallerId: input.outboundCallerId ?? null,
        doNotDisturb: input.doNotDisturb ?? false,
        forwardUnconditional: input.forwarding?.unconditional ?? null,
        forwardBusy: input.forwarding?.busy ?? null,
        forwardNoAnswer: input.forwarding?.noAnswer ?? null,
        forwardNoAnswerSeconds: input.forwarding?.noAnswerSeconds ?? 20,
      },
      { transaction },
    );
    await this.deps.numbers.assign(input.number, 'extension', extension.id, 'body.number', transaction);
    return extension;
  }

  async update(id: number, input: ExtensionInput): Promise<ExtensionView> {
    const extension = await this.find(id);
    const restrictionClass = await this.validate(input, extension);
    if (input.voicemail?.enabled === false && extension.voicemailEnabled) {
      const users = await this.deps.destinations.referencesTo({ extensionId: id, voicemailOnly: true });
      if (users.length) throw stillReferenced(`The voicemail of extension ${extension.number}`, users);
    }
    const previousNumber = extension.number;
    await refusingDuplicates(EXTENSION_UNIQUE, () => this.deps.sequelize.transaction(async (transaction) => {
      const forwarding = input.forwarding ?? {};
      await extension.update(
        {
          number: input.number ?? extension.number,
          name: input.name?.trim() ?? extension.name,
          userId: input.userId !== undefined ? input.userId : extension.userId,
          sipUsername: input.sipUsername ?? extension.sipUsername,
          codecs: input.codecs ?? extension.codecs,
          maxContacts: input.maxContacts ?? extension.maxContacts,
          webrtc: input.webrtc ?? extension.webrtc,
          voicemailEnabled: input.voicemail?.enabled ?? extension.voicemailEnabled,
          voicemailEmail: input.voicemail?.email !== undefined ? input.voicemail.email : extension.voicemailEmail,
          recording: input.recording ?? extension.recording,
          restrictionClassId: restrictionClass?.id ?? extension.restrictionClassId,
          outboundCallerId: input.outboundCallerId !== undefined ? input.outboundCallerId : extension.outboundCallerId,
          doNotDisturb: input.doNotDisturb ?? extension.doNotDisturb,
          forwardUnconditional: forwarding.unconditional !== undefined ? forwarding.unconditional : extension.forwardUnconditional,
          forwardBusy: forwarding.busy !== undefined ? forwarding.busy : extension.forwardBusy,
          forwardNoAnswer: forwarding.noAnswer !== undefined ? forwarding.noAnswer : extension.forwardNoAnswer,
          forwardNoAnswerSeconds: forwarding.noAnswerSeconds ?? extension.forwardNoAnswerSeconds,
        },
        { transaction },
      );
      if (input.number && input.number !== previousNumber) await this.deps.numbers.assign(input.number, 'extension', id, 'body.number', transaction);
    }));
    this.deps.changes.committed('extension', 'updated', id);
    return this.get(id);
  }

  async remove(id: number): Promise<void> {
    const extension = await this.find(id);
    const users = await this.deps.destinations.referencesTo({ extensionId: id });
    if (users.length) throw stillReferenced(`Extension ${extension.number}`, users);
    await this.deps.sequelize.transaction(async (transaction) => {
      await this.deps.numbers.release('extension', id, transaction);
      await extension.destroy({ transaction });
    });
    this.deps.changes.committed('extension', 'deleted', id);
  }

  /** The SIP credentials in clear, for a person setting up a phone (the route needs `telephony.secrets` and is audited). */
  async revealSecret(id: number): Promise<{ sipUsername: string; sipPassword: string }> {
    const extension = await this.find(id);
    return { sipUsername: extension.sipUsername, sipPassword: this.deps.secretBox.decrypt(extension.sipPasswordSealed) };
  }

  /** A new secret (e.g. after a phone was lost); the old one stops working at the next configuration reload. */
  async regenerateSecret(id: number): Promise<ExtensionView> {
    const extension = await this.find(id);
    await extension.update({ sipPasswordSealed: this.deps.secretBox.encrypt(generateSipSecret()) });
    this.deps.changes.committed('extension', 'updated', id);
    return this.get(id);
  }

  /** Checks what depends on other rows; returns the restriction class named in the input (or the default on create). */
  private async validate(input: ExtensionInput, current: Extension | null): Promise<RestrictionClass | null> {
    const problems = new Problems();
    const restrictionClass = await this.check(input, current, problems);
    problems.throwIfAny();
    return restrictionClass;
  }

  /** The checks of `validate`, adding to `problems` instead of throwing: a batch collects every row's. */
  async check(input: ExtensionInput, current: Extension | null, problems: Problems): Promise<RestrictionClass | null> {
    const self = current ? { kind: 'extension' as const, id: current.id } : undefined;
    if (input.number) await this.deps.numbers.checkFree(input.number, 'body.number', problems, self);
    if (input.sipUsername && input.sipUsername !== current?.sipUsername) {
      const taken = (await Extension.findOne({ where: { sipUsername: input.sipUsername } })) ?? (await Trunk.findOne({ where: { kind: 'peer', username: input.sipUsername } }));
      if (taken) {
        const defaulted = !current && input.sipUsername === input.number ? ' (it defaults to the number: choose another one in sipUsername)' : '';
        problems.add('body.sipUsername', 'duplicate', `The SIP user name ${input.sipUsername} is already used${defaulted}.`);
      }
    }
    if (input.userId != null && input.userId !== current?.userId) {
      if (!(await User.findByPk(input.userId))) problems.add('body.userId', 'not_found', `No user with id ${input.userId}.`);
      else {
        const linked = await Extension.findOne({ where: { userId: input.userId } });
        if (linked) problems.add('body.userId', 'duplicate', `This user already has extension ${linked.number}.`);
      }
    }
    await checkCodecsAvailable(input.codecs, 'body.codecs', problems, this.deps.settings);
    let restrictionClass: RestrictionClass | null = null;
    const className = input.restrictionClass ?? (current ? undefined : DEFAULT_RESTRICTION_CLASS);
    if (className) {
      restrictionClass = await RestrictionClass.findOne({ where: { name: className } });
      if (!restrictionClass) problems.add('body.restrictionClass', 'not_found', `No restriction class named "${className}".`);
    }
    return restrictionClass;
  }

  async views(extensions: Extension[]): Promise<ExtensionView[]> {
    const classes = new Map((await RestrictionClass.findAll({ attributes: ['id', 'name'] })).map((c) => [c.id, c.name]));
    return extensions.map((e) => ({
      id: e.id,
      number: e.number,
      name: e.name,
      userId: e.userId,
      sipUsername: e.sipUsername,
      codecs: e.codecs,
      maxContacts: e.maxContacts,
      webrtc: e.webrtc,
      voicemail: { enabled: e.voicemailEnabled, email: e.voicemailEmail },
      recording: e.recording,
      restrictionClass: classes.get(e.restrictionClassId) ?? '',
      outboundCallerId: e.outboundCallerId,
      doNotDisturb: e.doNotDisturb,
      forwarding: { unconditional: e.forwardUnconditional, busy: e.forwardBusy, noAnswer: e.forwardNoAnswer, noAnswerSeconds: e.forwardNoAnswerSeconds },
      createdAt: e.createdAt.toISOString(),
      updatedAt: e.updatedAt.toISOString(),
    }));
  }
}
