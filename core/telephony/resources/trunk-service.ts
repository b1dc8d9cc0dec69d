import type { Sequelize } from 'sequelize';
import { HttpError } from '../../http/problem';
import type { SecretBox } from '../../security/secret-box';
import type { Codec } from '../config/snapshot';
import { checkCodecsAvailable, DEFAULT_CODECS } from './codec-rules';
import type { TelephonyConfigChanges } from './config-changes';
import { Extension, OutboundRoute, OutboundRouteTrunk, Trunk, type SipTransport, type TrunkKind } from './models';
import { Problems, refusingDuplicates, stillReferenced } from './problems';
import { searchWhere, type ListFilter, type Page } from './search';
import { generatePeerUsername, generateSipSecret } from './secrets';
import type { TelephonySettings } from './settings';

interface CommonView {
  id: number;
  name: string;
  codecs: Codec[];
  maxChannels: number | null;
  createdAt: string;
  updatedAt: string;
}

/** A trunk as the API shows it: never the password. */
export type TrunkView =
  | (CommonView & {
      kind: 'operator';
      host: string;
      port: number;
      transport: SipTransport;
      username: string;
      passwordSet: true;
      fromDomain: string | null;
      fromUser: string | null;
      register: boolean;
    })
  | (CommonView & { kind: 'peer'; username: string; allowedAddresses: string[] });

export interface TrunkInput {
  kind?: TrunkKind;
  name?: string;
  codecs?: Codec[];
  maxChannels?: number | null;
  host?: string;
  port?: number;
  transport?: SipTransport;
  username?: string;
  password?: string;
  fromDomain?: string | null;
  fromUser?: string | null;
  register?: boolean;
  allowedAddresses?: string[];
}

const OPERATOR_ONLY = ['host', 'port', 'transport', 'password', 'fromDomain', 'fromUser', 'register'] as const;
const PEER_ONLY = ['allowedAddresses'] as const;

/**
 * Trunks: to an operator (Carillon registers with the credentials the operator gave), or for
 * another IPBX connecting to Carillon with credentials Carillon issued ("passerelles").
 */
export class TrunkService {
  constructor(
    private readonly deps: { sequelize: Sequelize; secretBox: SecretBox; settings: TelephonySettings; changes: TelephonyConfigChanges },
  ) {}

  async find(id: number): Promise<Trunk> {
    const trunk = await Trunk.findByPk(id);
    if (!trunk) throw HttpError.notFound('trunk', `No trunk with id ${id}.`);
    return trunk;
  }

  async get(id: number): Promise<TrunkView> {
    return this.view(await this.find(id));
  }

  async list(filter: ListFilter & { kind?: TrunkKind }): Promise<Page<TrunkView>> {
    const { rows, count } = await Trunk.findAndCountAll({
      where: { ...searchWhere(Trunk, ['name', 'host', 'username'], filter.search), ...(filter.kind ? { kind: filter.kind } : {}) },
      order: [['name', 'ASC']],
      limit: filter.limit,
      offset: filter.offset,
    });
    return { items: rows.map((t) => this.view(t)), total: count };
  }

  async create(input: TrunkInput & { kind: TrunkKind; name: string }): Promise<TrunkView> {
    const username = input.kind === 'peer' ? (input.username ?? generatePeerUsername()) : input.username!;
    await this.validate({ ...input, username }, input.kind, null);
    const password = input.kind === 'peer' ? generateSipSecret() : input.password!;
    const trunk = await refusingDuplicates({ name: 'body.name' }, () => Trunk.create({
      kind: input.kind,
      name: input.name.trim(),
      host: input.kind === 'operator' ? input.host! : null,
      port: input.kind === 'operator' ? (input.port ?? 5060) : null,
      transport: input.kind === 'operator' ? (input.transport ?? 'udp') : null,
      username,
      passwordSealed: this.deps.secretBox.encrypt(password),
      fromDomain: input.fromDomain ?? null,
      fromUser: input.fromUser ?? null,
      register: input.kind === 'operator' ? (input.register ?? true) : false,
      allowedAddresses: input.allowedAddresses ?? [],
      codecs: input.codecs ?? DEFAULT_CODECS.filter((c) => c !== 'opus'),
      maxChannels: input.maxChannels ?? null,
    }));
    this.deps.changes.committed('trunk', 'created', trunk.id);
    return this.view(trunk);
  }

  async update(id: number, input: TrunkInput): Promise<TrunkView> {
    const trunk = await this.find(id);
    await this.validate(input, trunk.kind, trunk);
    await refusingDuplicates({ name: 'body.name' }, () => trunk.update({
      name: input.name?.trim() ?? trunk.name,
      host: input.host ?? trunk.host,
      port: input.port ?? trunk.port,
      transport: input.transport ?? trunk.transport,
      username: input.username ?? trunk.username,
      ...(input.password !== undefined ? { passwordSealed: this.deps.secretBox.encrypt(input.password) } : {}),
      fromDomain: input.fromDomain !== undefined ? input.fromDomain : trunk.fromDomain,
      fromUser: input.fromUser !== undefined ? input.fromUser : trunk.fromUser,
      register: input.register ?? trunk.register,
      allowedAddresses: input.allowedAddresses ?? trunk.allowedAddresses,
      codecs: input.codecs ?? trunk.codecs,
      maxChannels: input.maxChannels !== undefined ? input.maxChannels : trunk.maxChannels,
    }));
    this.deps.changes.committed('trunk', 'updated', id);
    return this.view(trunk);
  }

  async remove(id: number): Promise<void> {
    const trunk = await this.find(id);
    const uses = await OutboundRouteTrunk.findAll({ where: { trunkId: id } });
    if (uses.length) {
      const routes = await OutboundRoute.findAll({ where: { id: uses.map((u) => u.routeId) }, order: [['priority', 'ASC']] });
      throw stillReferenced(`Trunk "${trunk.name}"`, routes.map((r) => `outbound route "${r.name}" (id ${r.id})`));
    }
    await trunk.destroy();
    this.deps.changes.committed('trunk', 'deleted', id);
  }

  /** The credentials in clear (route needs `telephony.secrets`, audited). */
  async revealSecret(id: number): Promise<{ username: string; password: string }> {
    const trunk = await this.find(id);
    return { username: trunk.username, password: this.deps.secretBox.decrypt(trunk.passwordSealed) };
  }

  /** A new password for a peer IPBX; an operator's password comes from the operator (change it with PATCH). */
  async regenerateSecret(id: number): Promise<TrunkView> {
    const trunk = await this.find(id);
    if (trunk.kind !== 'peer') throw HttpError.conflict('operator_trunk', 'An operator trunk uses the password the operator gave; change it with PATCH.');
    await trunk.update({ passwordSealed: this.deps.secretBox.encrypt(generateSipSecret()) });
    this.deps.changes.committed('trunk', 'updated', id);
    return this.view(trunk);
  }

  private async validate(input: TrunkInput, kind: TrunkKind, current: Trunk | null): Promise<void> {
    const problems = new Problems();
    const foreign = kind === 'peer' ? OPERATOR_ONLY : PEER_ONLY;
    for (const field of foreign) if (input[field] !== undefined) problems.add(`body.${field}`, 'not_applicable', `A ${kind} trunk has no ${field}.`);
    if (current && input.kind !== undefined && input.kind !== current.kind) problems.add('body.kind', 'immutable', 'A trunk cannot change kind; create another one.');
    if (!current && kind === 'operator') {
      if (!input.host) problems.add('body.host', 'required', 'An operator trunk needs the host the operator gave.');
      if (!input.username) problems.add('body.username', 'required', 'An operator trunk needs the user name the operator gave.');
      if (!input.password) problems.add('body.password', 'required', 'An operator trunk needs the password the operator gave.');
    }
    if (input.name && input.name.trim() !== current?.name && (await Trunk.findOne({ where: { name: input.name.trim() } }))) {
      problems.add('body.name', 'duplicate', `A trunk named "${input.name.trim()}" already exists.`);
    }
    // An IPBX's user name lives in the same SIP name space as the extensions'.
    if (kind === 'peer' && input.username && input.username !== current?.username) {
      const taken = (await Extension.findOne({ where: { sipUsername: input.username } })) ?? (await Trunk.findOne({ where: { kind: 'peer', username: input.username } }));
      if (taken) problems.add('body.username', 'duplicate', `The SIP user name ${input.username} is already used.`);
    }
    await checkCodecsAvailable(input.codecs, 'body.codecs', problems, this.deps.settings);
    problems.throwIfAny();
  }

  view(trunk: Trunk): TrunkView {
    const common: CommonView = {
      id: trunk.id,
      name: trunk.name,
      codecs: trunk.codecs,
      maxChannels: trunk.maxChannels,
      createdAt: trunk.createdAt.toISOString(),
      updatedAt: trunk.updatedAt.toISOString(),
    };
    if (trunk.kind === 'peer') return { ...common, kind: 'peer', username: trunk.username, allowedAddresses: trunk.allowedAddresses };
    return {
      ...common,
      kind: 'operator',
      host: trunk.host!,
      port: trunk.port!,
      transport: trunk.transport!,
      username: trunk.username,
      passwordSet: true,
      fromDomain: trunk.fromDomain,
      fromUser: trunk.fromUser,
      register: trunk.register,
    };
  }
}
