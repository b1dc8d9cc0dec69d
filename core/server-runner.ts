import type { Carillon } from './app';
import type { StoppedWork } from './server-restart';

/**
 * Runs one Carillon at a time and restarts it on request (a restore from the web UI): stops it
 * completely (HTTP, plugins, telephony, jobs, database connections), runs the work, then starts a
 * new Carillon from the configuration read again (a restore may change it), on the same port.
 */
export class CarillonRunner {
  private current: Carillon | null = null;
  private restarting: Promise<void> | null = null;

  /** `make(port)`: a new Carillon; `port` is the port the previous one listened on (null the first time). */
  constructor(
    private readonly make: (port: number | null) => Carillon,
    private readonly onFailure: (err: unknown) => void,
  ) {}

  get app(): Carillon {
    if (!this.current) throw new Error('Carillon is not started');
    return this.current;
  }

  async start(): Promise<string> {
    this.current = this.make(null);
    const url = await this.current.start();
    this.attach();
    return url;
  }

  /** Resolves when no restart is under way. */
  async settled(): Promise<void> {
    while (this.restarting) await this.restarting;
  }

  async stop(): Promise<void> {
    await this.settled();
    await this.current?.stop();
  }

  private attach(): void {
    const app = this.current!;
    app.cradle.serverRestart.attach((work) => {
      const run = this.restart(app, work).catch((err: unknown) => this.onFailure(err));
      this.restarting = run.finally(() => {
        if (this.restarting === guarded) this.restarting = null;
      });
      const guarded = this.restarting;
    });
  }

  private async restart(app: Carillon, work: StoppedWork): Promise<void> {
    const port = app.listeningPort();
    app.logger.info('stopping Carillon for a restart');
    await app.stop();
    await work();
    this.current = this.make(port);
    await this.current.start();
    this.attach();
  }
}
