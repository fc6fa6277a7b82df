import { createHash, type Hash, hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';
import type {
  GenerateRequest,
  GenerateResult,
  LoglikelihoodRequest,
  LoglikelihoodResult,
  LoglikelihoodRollingRequest,
  LoglikelihoodRollingResult,
} from '../requests/types.ts';
import { cutAtFirstStop } from '../requests/stop.ts';
import { checkArgKeys } from './model-args.ts';
import {
  type Backend,
  type BackendFactoryOptions,
  type CallOptions,
  type Capability,
  type ModelArgs,
  reportResult,
} from './types.ts';

const ALL_CAPABILITIES: readonly Capability[] = ['loglikelihood', 'loglikelihoodRolling', 'generateUntil'];

/**
 * 0 ≤ x < 1, a pure function of the seed and the strings: same request, same answer.
 * sha256 over seed, NUL, part, NUL, part...: the NUL separators keep the parts apart (no two part
 * lists join to the same string), and one one-shot hash is cheaper than an update per part.
 */
function unitHash(seed: number, ...parts: string[]): number {
  return hash('sha256', `${seed}\u0000${parts.join('\u0000')}`, 'buffer').readUInt32BE(0) / 2 ** 32;
}

export interface DummyOptions {
  readonly seed: number;
  readonly capabilities?: readonly Capability[];
  readonly maxLength?: number;
  /** Scripted generations, used in turn (for reasoning/filter tests); otherwise pseudo-random numbers. */
  readonly script?: readonly string[];
}

/**
 * Deterministic pseudo-random responses with no model: for pipeline tests and for
 * measuring the harness's own overhead.
 */
export class DummyBackend implements Backend {
  readonly id: string;
  readonly info;
  readonly capabilities: ReadonlySet<Capability>;
  readonly maxLength: number;
  private readonly seed: number;
  private readonly script: readonly string[] | undefined;

  constructor(o: DummyOptions) {
    this.seed = o.seed;
    this.script = o.script;
    this.capabilities = new Set(o.capabilities ?? ALL_CAPABILITIES);
    this.maxLength = o.maxLength ?? 2048;
    const settings = { seed: o.seed, maxLength: this.maxLength };
    this.id = `dummy:${JSON.stringify({ ...settings, script: o.script ?? null })}`;
    this.info = { backend: 'dummy', modelId: 'dummy', settings, details: {} };
  }

  async loglikelihood(reqs: readonly LoglikelihoodRequest[], o?: CallOptions): Promise<LoglikelihoodResult[]> {
    // unitHash(seed, 'll', context, continuation), with the hash state after the context kept
    // for the next request: a doc's choices arrive together and share their (long) context.
    let context: string | undefined;
    let afterContext: Hash | undefined;
    return reqs.map((r, i) => {
      if (afterContext === undefined || r.context !== context) {
        context = r.context;
        afterContext = createHash('sha256').update(`${this.seed}\u0000ll\u0000${r.context}\u0000`);
      }
      const u = afterContext.copy().update(r.continuation).digest().readUInt32BE(0) / 2 ** 32;
      const tokens = Math.max(1, Math.ceil(r.continuation.length / 4));
      const result = { logprob: -tokens * (0.5 + 4 * u), isGreedy: u < 0.1, tokens, truncated: false };
      reportResult(o, i, tokens, result);
      return result;
    });
  }

  async loglikelihoodRolling(
    reqs: readonly LoglikelihoodRollingRequest[],
    o?: CallOptions,
  ): Promise<LoglikelihoodRollingResult[]> {
    return reqs.map((r, i) => {
      const tokens = Math.max(1, Math.ceil(r.text.length / 4));
      const result = { logprob: -tokens * (1 + 3 * unitHash(this.seed, 'roll', r.text)), tokens };
      reportResult(o, i, tokens, result);
      return result;
    });
  }

  async generateUntil(reqs: readonly GenerateRequest[], o?: CallOptions): Promise<GenerateResult[]> {
    return reqs.map((r, i) => {
      const u = unitHash(this.seed, 'gen', r.context, JSON.stringify(r.settings));
      let text = this.script ? (this.script[i % this.script.length] ?? '') : String(Math.floor(u * 200) - 50);
      text = cutAtFirstStop(text, r.settings.until, r.settings.reasoning).text;
      // One token per 4 characters; a longer output is cut at max_gen_toks as a model's would be.
      const hitMaxTokens = Math.ceil(text.length / 4) > r.settings.maxGenToks;
      if (hitMaxTokens) text = text.slice(0, r.settings.maxGenToks * 4);
      const tokens = Math.max(1, Math.ceil(text.length / 4));
      const result = { text, tokens: Math.min(tokens, r.settings.maxGenToks), hitMaxTokens, truncated: false };
      reportResult(o, i, tokens, result);
      return result;
    });
  }

  countTokens(text: string): number {
    return Math.ceil(text.length / 4);
  }

  async close(): Promise<void> {}
}

export async function createDummyBackend(o: BackendFactoryOptions): Promise<Backend> {
  return new DummyBackend({ seed: Number(o.args.seed ?? o.seed), ...dummyArgs(o.args) });
}

function dummyArgs(args: ModelArgs): Omit<DummyOptions, 'seed'> {
  checkArgKeys('dummy', args, ['seed', 'capabilities', 'max_length', 'script_file']);
  const out: { capabilities?: Capability[]; maxLength?: number } = {};
  if (args.capabilities !== undefined) {
    const caps = args.capabilities.split(/[|+]/).filter(Boolean);
    for (const c of caps) {
      if (!(ALL_CAPABILITIES as readonly string[]).includes(c) && c !== 'chat')
        throw new UserError(
          `unknown capability "${c}"`,
          { field: 'model_args.capabilities' },
          `use ${ALL_CAPABILITIES.join('|')}`,
        );
    }
    out.capabilities = caps as Capability[];
  }
  if (args.max_length !== undefined) out.maxLength = Number(args.max_length);
  if (args.script_file !== undefined) return { ...out, script: readScript(args.script_file) };
  return out;
}

/** A JSON array of strings: the generations to return, in turn. */
function readScript(path: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`cannot read script: ${(e as Error).message}`, { file: path, field: 'model_args.script_file' });
  }
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string'))
    throw new UserError('script must be a JSON array of strings', { file: path, field: 'model_args.script_file' });
  return parsed;
}
