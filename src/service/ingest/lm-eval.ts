/**
 * lm-eval's results JSON (no `evalboard` section) in the results-file shape the suite scorer
 * reads: metric keys get lm-eval 0.4's ",none" filter suffix where an older harness wrote bare
 * names, and the run settings the suite's setup check needs come from lm-eval's own fields.
 * What lm-eval does not record (shots or document counts in old files) stays missing, so such a
 * run scores as non-standard rather than being trusted.
 */
import { REPORT_SCHEMA_VERSION } from '../../report/schema.ts';

type Json = Record<string, unknown>;

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

export function isLmEvalResults(json: unknown): boolean {
  return isObject(json) && !('evalboard' in json) && isObject(json.results);
}

function withFilterSuffix(entries: Json): Json {
  return Object.fromEntries(
    Object.entries(entries).map(([k, v]) => [k === 'alias' || k.includes(',') ? k : `${k},none`, v]),
  );
}

function records(x: unknown): Record<string, Json> {
  if (!isObject(x)) return {};
  return Object.fromEntries(Object.entries(x).filter(([, v]) => isObject(v))) as Record<string, Json>;
}

export function fromLmEval(json: Json): Json {
  const config = isObject(json.config) ? json.config : {};
  const mapValues = (x: unknown) =>
    Object.fromEntries(Object.entries(records(x)).map(([task, entries]) => [task, withFilterSuffix(entries)]));
  const genKwargs = config.gen_kwargs;
  return {
    results: mapValues(json.results),
    groups: mapValues(json.groups),
    group_subtasks: isObject(json.group_subtasks) ? json.group_subtasks : {},
    configs: isObject(json.configs) ? json.configs : {},
    versions: Object.fromEntries(
      Object.entries(isObject(json.versions) ? json.versions : {}).filter(([, v]) => typeof v === 'number'),
    ),
    'n-shot': isObject(json['n-shot']) ? json['n-shot'] : {},
    higher_is_better: isObject(json.higher_is_better) ? json.higher_is_better : {},
    'n-samples': isObject(json['n-samples']) ? json['n-samples'] : {},
    config: {
      model: String(config.model ?? 'unknown'),
      model_args: String(config.model_args ?? ''),
      batch_size: typeof config.batch_size === 'number' ? config.batch_size : String(config.batch_size ?? 1),
      limit: typeof config.limit === 'number' ? config.limit : null,
      bootstrap_iters: typeof config.bootstrap_iters === 'number' ? config.bootstrap_iters : 0,
      random_seed: typeof config.random_seed === 'number' ? config.random_seed : 0,
      fewshot_seed: typeof config.fewshot_seed === 'number' ? config.fewshot_seed : 0,
      num_fewshot: typeof config.num_fewshot === 'number' ? config.num_fewshot : null,
      apply_chat_template: Boolean(json.chat_template),
      system_instruction: typeof json.system_instruction === 'string' ? json.system_instruction : null,
      fewshot_as_multiturn: Boolean(json.fewshot_as_multiturn),
      gen_kwargs:
        genKwargs === undefined || genKwargs === null || (isObject(genKwargs) && Object.keys(genKwargs).length === 0)
          ? null
          : typeof genKwargs === 'string'
            ? genKwargs
            : JSON.stringify(genKwargs),
      think: 'keep',
      max_gen_toks: null,
      predict_only: false,
      backend: {
        id: 'lm-eval',
        backend: String(config.model ?? 'unknown'),
        modelId: String(json.model_name ?? config.model_args ?? 'unknown'),
        settings: {},
        details: {},
      },
      evalboard_version: `lm-eval ${String(json.lm_eval_version ?? 'unknown')}`,
      git_commit: typeof json.git_hash === 'string' ? json.git_hash : null,
      argv: [],
    },
    evalboard: { schema_version: REPORT_SCHEMA_VERSION, tasks: {} },
    timing: {
      start_time: '',
      end_time: '',
      total_evaluation_time_seconds: 0,
      cache: { hits: 0, fresh: 0, path: null },
      tokens_per_second: 0,
      requests_per_second: 0,
    },
  };
}
