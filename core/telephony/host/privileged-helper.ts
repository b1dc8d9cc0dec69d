import fs from 'node:fs/promises';
import net from 'node:net';

/** The helper is not there: a development checkout, or a machine without the carillon package's units. */
export class HelperUnavailableError extends Error {
  readonly code = 'helper_unavailable';
}

/** The helper answered `error <reason>`. */
export class HelperRefusedError extends Error {
  readonly code = 'helper_refused';
}

/**
 * Client of the appliance's privileged helper (appliance/deb/carillon-helper behind
 * carillon-helper.socket): one request line per connection, answered `ok` and data lines, or
 * `error <reason>`. Carillon runs unprivileged; this is its only way to restart Asterisk or read
 * and lift fail2ban bans, and the helper accepts nothing else.
 */
export class PrivilegedHelper {
  constructor(
    readonly socketPath: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async available(): Promise<boolean> {
    const stat = await fs.stat(this.socketPath).catch(() => null);
    return stat?.isSocket() ?? false;
  }

  /** The data lines of an `ok` answer. */
  request(words: string[]): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(this.socketPath);
      const chunks: Buffer[] = [];
      socket.setTimeout(this.timeoutMs, () => socket.destroy(new HelperRefusedError('the privileged helper did not answer in time')));
      socket.on('connect', () => socket.end(`${words.join(' ')}\n`));
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') reject(new HelperUnavailableError(`no privileged helper at ${this.socketPath}`));
        else reject(err);
      });
      socket.on('close', (hadError) => {
        if (hadError) return;
        const [status = '', ...lines] = Buffer.concat(chunks).toString('utf8').split('\n');
        if (status === 'ok') resolve(lines.filter((l) => l.length > 0));
        else reject(new HelperRefusedError(status.startsWith('error ') ? status.slice('error '.length) : 'the privileged helper gave no answer'));
      });
    });
  }
}
