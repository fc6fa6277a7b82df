import cliProgress from 'cli-progress';
import type { RequestKind } from '../requests/types.ts';

/**
 * Requests done / planned with requests/s, tokens/s and ETA: a live bar on a TTY, a plain
 * line every few seconds otherwise (CI logs, pipes), nothing when quiet.
 */
export class Progress {
  private total = 0;
  private done = 0;
  private tokens = 0;
  private readonly started = Date.now();
  // The first line waits one interval: a rate measured over one request is noise (ETA 34270s).
  private lastLine = Date.now();
  private bar: cliProgress.SingleBar | undefined;

  constructor(
    private readonly mode: 'tty' | 'lines' | 'quiet',
    private readonly write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
    private readonly intervalMs = 5000,
  ) {}

  static forStream(stream: NodeJS.WriteStream, quiet: boolean): Progress {
    return new Progress(quiet ? 'quiet' : stream.isTTY ? 'tty' : 'lines');
  }

  onPlanned(requests: number): void {
    this.total = requests;
    if (this.mode === 'tty') {
      this.bar = new cliProgress.SingleBar(
        {
          format: '{bar} {percentage}% | {value}/{total} requests | {rps} req/s | {tps} tok/s | ETA {eta_formatted}',
          etaBuffer: 200,
          hideCursor: true,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(requests, 0, { rps: '0', tps: '0' });
    }
  }

  onRequestDone(_kind: RequestKind, tokens: number): void {
    this.done++;
    this.tokens += tokens;
    // Called once per request (tens of thousands a second from a cache or the dummy backend):
    // rates are only worked out when something is shown.
    if (this.bar) {
      const { rps, tps } = this.rates();
      this.bar.update(this.done, { rps: rps.toFixed(1), tps: tps.toFixed(0) });
    } else if (this.mode === 'lines') {
      const now = Date.now();
      if (now - this.lastLine >= this.intervalMs || this.done === this.total) {
        const { rps, tps } = this.rates();
        this.lastLine = now;
        const eta = rps > 0 ? Math.round((this.total - this.done) / rps) : 0;
        this.write(
          `progress: ${this.done}/${this.total} requests (${((100 * this.done) / Math.max(1, this.total)).toFixed(1)}%) | ${rps.toFixed(1)} req/s | ${tps.toFixed(0)} tok/s | ETA ${eta}s`,
        );
      }
    }
  }

  stop(): void {
    this.bar?.stop();
  }

  rates(): { rps: number; tps: number; seconds: number } {
    const seconds = Math.max(1e-3, (Date.now() - this.started) / 1000);
    return { rps: this.done / seconds, tps: this.tokens / seconds, seconds };
  }

  get tokensEvaluated(): number {
    return this.tokens;
  }
}
