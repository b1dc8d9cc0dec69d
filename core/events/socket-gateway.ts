import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Logger } from '../logging/logger';
import type { Authenticator } from '../auth/authenticator';
import { AUTHENTICATED } from '../auth/permissions';
import type { RoleService } from '../auth/role-service';
import { ApiToken, Session, User } from '../auth/models';
import type { EventBus } from './bus';

interface SocketData {
  userId: number;
  sessionId?: string;
  tokenId?: number;
  permissions: Set<string>;
  /** Token sockets keep their token's subset; sessions follow the user's roles. */
  fixedPermissions: boolean;
  /** The credential's expiry: a socket outliving it gets nothing more and is closed. */
  expiresAt: number | null;
}

/**
 * socket.io on the HTTP server, authenticated like the API (session cookie or `auth.token`),
 * delivering each event only to clients whose permissions allow it.
 */
export class SocketGateway {
  private io: Server | null = null;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly authenticator: Authenticator,
    private readonly events: EventBus,
    private readonly roleService: RoleService,
    private readonly logger: Logger,
  ) {}

  attach(server: HttpServer): void {
    const io = new Server(server, { path: '/socket.io', serveClient: false, cors: { origin: false } });
    this.io = io;
    io.use(async (socket, next) => {
      try {
        const { headers } = socket.handshake;
        const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : undefined;
        const identity = await this.authenticator.fromHeaders({ cookie: headers.cookie, authorization: headers.authorization }, token);
        if (!identity) return next(new Error('unauthenticated'));
        // A cookie travels with cross-site requests: only same-origin pages may use it here.
        if (identity.via === 'session' && headers.origin && new URL(headers.origin).host !== headers.host) return next(new Error('origin_refused'));
        const data: SocketData = {
          userId: identity.user.id,
          sessionId: identity.sessionId,
          tokenId: identity.tokenId,
          permissions: identity.permissions,
          fixedPermissions: identity.via === 'token',
          expiresAt: identity.expiresAt ? identity.expiresAt.getTime() : null,
        };
        socket.data = data;
        next();
      } catch (err) {
        next(new Error((err as { code?: string }).code ?? 'unauthenticated'));
      }
    });
    this.unsubscribe.push(
      this.events.subscribeAll((payload, meta) => {
        const permission = this.events.definition(meta.name)?.permission;
        if (!permission) return;
        const now = Date.now();
        for (const socket of io.sockets.sockets.values()) {
          const data = socket.data as SocketData;
          if (data.expiresAt !== null && data.expiresAt <= now) {
            socket.disconnect(true);
            continue;
          }
          if (permission === AUTHENTICATED || data.permissions.has(permission)) socket.emit(meta.name, payload, { at: meta.at.toISOString(), source: meta.source });
        }
      }),
      this.events.subscribe('auth.sessionRevoked', ({ sessionIds }) => {
        for (const socket of io.sockets.sockets.values()) {
          if (sessionIds.includes((socket.data as SocketData).sessionId ?? '')) socket.disconnect(true);
        }
      }),
      this.events.subscribe('auth.permissionsChanged', async ({ userIds }) => {
        for (const socket of io.sockets.sockets.values()) {
          const data = socket.data as SocketData;
          if (userIds === 'all' || userIds.includes(data.userId)) await this.refresh(socket, data);
        }
      }),
    );
  }

  /**
   * Re-checks a socket after its user's rights changed: the user must still be active and the
   * credential it connected with must still be valid (a revoked token or a closed session ends
   * the socket, as it would end the next HTTP request).
   */
  private async refresh(socket: Socket, data: SocketData): Promise<void> {
    const user = await User.findByPk(data.userId);
    const credentialValid =
      data.tokenId !== undefined
        ? await ApiToken.findByPk(data.tokenId).then((t) => !!t && !t.revokedAt && !(t.expiresAt && t.expiresAt.getTime() <= Date.now()))
        : data.sessionId !== undefined
          ? (await Session.count({ where: { id: data.sessionId } })) > 0
          : false;
    if (!user || !user.active || !credentialValid) {
      socket.disconnect(true);
      return;
    }
    const current = await this.roleService.permissionsOfUser(data.userId);
    data.permissions = data.fixedPermissions ? new Set([...data.permissions].filter((p) => current.has(p))) : current;
  }

  connectedCount(): number {
    return this.io?.sockets.sockets.size ?? 0;
  }

  async close(): Promise<void> {
    for (const undo of this.unsubscribe.splice(0)) undo();
    if (!this.io) return;
    this.io.disconnectSockets(true);
    // io.close() would also close the HTTP server, which the application closes itself.
    this.io.removeAllListeners();
    this.io = null;
    this.logger.debug('socket gateway closed');
  }
}
