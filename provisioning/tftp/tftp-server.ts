import { createReadStream } from 'node:fs';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:dgram';
import * as tftp from 'tftp';
import type { Logger } from '../../core/logging/logger';
import { redactSecretPath, type ProvisioningFiles } from '../files/provisioning-files';

/** Phones ask for at most a config file over TFTP; larger blocks than Ethernet's MTU would fragment. */
const MAX_BLOCK_SIZE = 1468;

/**
 * TFTP for phones' first contact (DHCP option 66 pointing at Carillon): the same bytes the HTTP
 * path serves, read-only, blksize negotiated (RFC 2348) up to 1468. The configuration served
 * here moves the phone to HTTP.
 */
export class ProvisioningTftpServer {
  private server: tftp.TftpServer | null = null;
  private boundPort: number | null = null;

  constructor(
    private readonly files: ProvisioningFiles,
    private readonly options: { host: string; port: number },
    private readonly logger: Logger,
  ) {}

  /** The port actually bound (useful with port 0), or null when not listening. */
  get port(): number | null {
    return this.boundPort;
  }

  /** Resolves once listening; a port that cannot be bound is logged and Carillon goes on without TFTP. */
  async start(): Promise<void> {
    const server = tftp.createServer(
      { host: this.options.host, port: this.options.port, root: os.tmpdir(), denyPUT: true, blockSize: MAX_BLOCK_SIZE },
      (req, res) => void this.onRequest(req, res),
    );
    // The tftp package reads port 0 as "default" and binds 69; 0 must mean an ephemeral port,
    // as everywhere else, so tests and a second Carillon never fight over 69.
    if (this.options.port === 0) server.port = 0;
    this.server = server;
    await new Promise<void>((resolve) => {
      server.once('listening', () => {
        this.boundPort = (((server as unknown as { _socket: Socket })._socket.address()) as AddressInfo).port;
        this.logger.info({ host: this.options.host, port: this.boundPort }, 'TFTP provisioning server listening');
        resolve();
      });
      server.once('error', (err: Error) => {
        this.logger.error({ err, host: this.options.host, port: this.options.port }, 'cannot listen for TFTP provisioning; phones must use HTTP (DHCP option 66 with an http:// URL)');
        this.server = null;
        resolve();
      });
      server.listen();
    });
    // Later errors are bad packets from a client: the server keeps serving.
    server.on('error', (err: Error) => this.logger.debug({ err }, 'TFTP error'));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.boundPort = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.once('close', () => resolve());
      server.close();
    });
  }

  private async onRequest(req: tftp.TftpGetStream, res: tftp.TftpPutStream): Promise<void> {
    req.on('error', (err: Error) => this.logger.debug({ err, file: redactSecretPath(req.file) }, 'TFTP transfer ended with an error'));
    try {
      const answer = await this.files.answer({
        protocol: 'tftp',
        path: req.file.replace(/\\/g, '/').replace(/^\/+/, '').replace(/^provisioning\//, ''),
        ip: req.stats.remoteAddress,
        userAgent: '',
      });
      if (answer.status !== 200) return req.abort(answer.status === 404 ? tftp.ENOENT : tftp.EACCESS);
      if ('body' in answer) {
        res.setSize(answer.body.length);
        res.end(answer.body);
      } else {
        res.setSize(answer.size);
        createReadStream(answer.file).on('error', () => req.abort(tftp.EIO)).pipe(res);
      }
    } catch (err) {
      this.logger.error({ err, file: redactSecretPath(req.file) }, 'TFTP request failed');
      req.abort(tftp.EIO);
    }
  }
}
