/**
 * Every request and response of the service API as zod schemas: the routes validate with them and
 * /openapi.json is generated from them (docs/api.md describes the same contract in prose).
 * Response objects are strict about what they carry out: the serializer drops any key a schema
 * does not name, so a field added to a database row never reaches a client by accident.
 */
import { z } from 'zod';
import { MODEL_TYPES, REQUEST_STATUSES, ROLES, SUBMISSION_STATUSES } from '../db/schema.ts';

export const ERROR_CODES = [
  'not_found',
  'bad_request',
  'unauthorized',
  'forbidden',
  'rate_limited',
  'too_large',
  'hostile_archive',
  'invalid_submission',
  'conflict',
  'unavailable',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const errorBody = z.object({
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }),
});

const boolString = z.enum(['true', 'false']);
const commaList = (what: string) => z.string().optional().describe(`comma-separated ${what} (any of them)`);
const number = z.string().regex(/^-?\d+(\.\d+)?$/, 'a number');
const integer = z.string().regex(/^\d+$/, 'a whole number');

export const boardQuery = z.object({
  suite: z.string().optional().describe('suite id (default: the first suite)'),
  normalised: boolString.optional().describe('0–100 normalised scores (default true) or raw 0–1'),
  search: z.string().max(200).optional().describe('substring of the model id, case-insensitive'),
  type: commaList(`model types: ${MODEL_TYPES.join(', ')}`),
  openness: commaList('open, proprietary'),
  precision: commaList('precisions (bfloat16, float16, …)'),
  chat_template: boolString.optional(),
  mode: commaList('loglikelihood, generative'),
  picks: boolString.optional().describe("true: maintainers' picks only"),
  params_min: number.optional().describe('billions of parameters, inclusive'),
  params_max: number.optional().describe('billions of parameters, inclusive'),
  submitted_after: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
    .optional()
    .describe('submitted on or after this date'),
  standard: z.enum(['true', 'all']).optional().describe('true (default): hide non-standard setups; all: show them'),
  task: z.string().optional().describe('one task: only its column, and rows that have it'),
  domain: z.string().optional().describe("one domain: its tasks' columns; average over them"),
  sort: z.string().optional().describe('average (default), a task id, or model_id, name, params_b, submitted_at'),
  order: z.enum(['asc', 'desc']).optional(),
  limit: integer.optional().describe('rows per page (default 50, at most 5000)'),
  offset: integer.optional(),
});
export type BoardQuery = z.infer<typeof boardQuery>;

export const exportQuery = boardQuery.extend({ format: z.enum(['csv', 'json']) });

export const scoreCell = z.object({
  value: z.number(),
  raw: z.number(),
  stderr: z.number().nullable(),
  ci_low: z.number().nullable(),
  ci_high: z.number().nullable(),
});

export const suiteTask = z.object({
  id: z.string(),
  name: z.string(),
  domain: z.string(),
  random_baseline: z.number().nullable(),
});

export const suiteInfo = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  tasks: z.array(suiteTask),
  domains: z.array(z.string()),
});

export const modelMeta = z.object({
  model_id: z.string(),
  name: z.string(),
  org: z.string(),
  type: z.enum(MODEL_TYPES),
  openness: z.enum(['open', 'proprietary']),
  params_b: z.number().nullable(),
  architecture: z.string().nullable(),
  license: z.string().nullable(),
  pick: z.boolean(),
});

export const boardRow = modelMeta.extend({
  submission_id: z.number().int(),
  precision: z.string().nullable(),
  chat_template: z.boolean().nullable(),
  mode: z.enum(['loglikelihood', 'generative']).nullable(),
  standard_setup: z.boolean(),
  submitted_at: z.string().nullable(),
  average: z.number().nullable(),
  scores: z.record(z.string(), scoreCell),
});
export type BoardRowOut = z.infer<typeof boardRow>;

export const boardResponse = z.object({
  total: z.number().int(),
  suite: suiteInfo,
  columns: z.array(z.string()),
  rows: z.array(boardRow),
});
export type BoardResponse = z.infer<typeof boardResponse>;

const valueWithCi = z.object({ value: z.number(), ci_low: z.number().nullable(), ci_high: z.number().nullable() });

export const modelResponse = z.object({
  model: modelMeta,
  submissions: z.array(
    z.object({
      id: z.number().int(),
      suite: z.string(),
      status: z.enum(SUBMISSION_STATUSES),
      submitted_at: z.string().nullable(),
      average: z.number().nullable(),
      standard_setup: z.boolean(),
      precision: z.string().nullable(),
    }),
  ),
  latest: z
    .object({
      submission_id: z.number().int(),
      suite: z.string(),
      scores: z.record(z.string(), scoreCell),
      domains: z.record(z.string(), valueWithCi),
      subcategories: z.record(z.string(), z.record(z.string(), z.object({ raw: z.number(), value: z.number() }))),
      prompt_spread: z.record(
        z.string(),
        z.object({
          per_prompt: z.record(z.string(), z.number()),
          mean: z.number(),
          spread: z.number(),
          std: z.number(),
        }),
      ),
    })
    .nullable(),
});

export const compareQuery = z.object({
  models: z.string().describe('2–10 model ids, comma-separated'),
  suite: z.string().optional(),
});

const comparePair = z.object({
  a: z.string(),
  b: z.string(),
  diff: z.number(),
  p_value: z.number().nullable(),
  significant: z.boolean(),
  method: z.enum(['paired', 'ci_overlap']),
});

const compareEntry = z.object({
  values: z.record(z.string(), valueWithCi),
  pairs: z.array(comparePair),
});

export const compareResponse = z.object({
  models: z.array(z.string()),
  suite: z.string(),
  tasks: z.array(compareEntry.extend({ task: z.string() })),
  domains: z.array(compareEntry.extend({ domain: z.string() })),
});

export const healthResponse = z.object({ ok: z.literal(true) });

export const userInfo = z.object({ id: z.number().int(), name: z.string(), role: z.enum(ROLES) });
export const meResponse = z.object({ user: userInfo });

export const validationIssue = z.object({
  task: z.string().nullable(),
  id: z.string().nullable(),
  message: z.string(),
});
export const validationReport = z.object({ errors: z.array(validationIssue), warnings: z.array(validationIssue) });

export const submissionResponse = z.object({
  id: z.number().int(),
  model_id: z.string(),
  suite: z.string(),
  status: z.enum(SUBMISSION_STATUSES),
  visibility: z.enum(['public', 'private']),
  standard_setup: z.boolean(),
  setup: z.record(z.string(), z.unknown()),
  validation: validationReport,
  scores: z.record(z.string(), scoreCell),
  total: z.number().nullable(),
  created_at: z.string(),
});

export const samplesQuery = z.object({
  task: z.string().optional(),
  correct: boolString.optional(),
  limit: integer.optional(),
  offset: integer.optional(),
});

export const sampleRow = z.object({
  task: z.string(),
  item_id: z.string(),
  prompt: z.string().nullable(),
  messages: z.array(z.object({ role: z.string(), content: z.string() })).nullable(),
  output: z.string(),
  extracted: z.string().nullable(),
  metric: z.object({ name: z.string(), value: z.number().nullable() }),
  correct: z.boolean().nullable(),
  gold: z.unknown().optional(),
});

export const samplesResponse = z.object({ total: z.number().int(), rows: z.array(sampleRow) });

export const mySubmissionsResponse = z.array(
  z.object({
    id: z.number().int(),
    model_id: z.string(),
    suite: z.string(),
    status: z.enum(SUBMISSION_STATUSES),
    created_at: z.string(),
    total: z.number().nullable(),
  }),
);

export const submissionAccepted = z.object({ id: z.number().int(), status: z.enum(SUBMISSION_STATUSES) });

export const jobProgress = z.object({ done: z.number(), total: z.number(), eta_s: z.number().nullable() });

export const requestRow = z.object({
  id: z.number().int(),
  model: z.string(),
  model_args: z.string().nullable(),
  suite: z.string(),
  requested_by: z.string(),
  votes: z.number().int(),
  voted_by_me: z.boolean(),
  status: z.enum(REQUEST_STATUSES),
  queue_position: z.number().int().nullable(),
  job_id: z.string().nullable(),
  progress: jobProgress.nullable(),
  failure: z.string().nullable(),
  created_at: z.string(),
});
export const requestsResponse = z.array(requestRow);

export const newRequestBody = z.object({
  model: z.string().min(1).max(500).describe('hf:org/name, a GGUF path, or an OpenAI-compatible endpoint URL'),
  suite: z.string().min(1),
  model_args: z.string().max(2000).optional(),
});
export const idParam = z.object({ id: z.string().regex(/^\d+$/, 'a numeric id') });
export const createdResponse = z.object({ id: z.number().int() });
export const voteResponse = z.object({ votes: z.number().int() });
export const decisionResponse = z.object({ status: z.enum(REQUEST_STATUSES), job_id: z.string().nullable() });

export const jobResponse = z.object({
  id: z.string(),
  request_id: z.number().int(),
  state: z.enum(['created', 'active', 'completed', 'failed', 'retry', 'expired']),
  progress: jobProgress.nullable(),
  attempts: z.number().int(),
  submission_id: z.number().int().nullable(),
  error: z.string().nullable(),
});

export const pickBody = z.object({ model_id: z.string().min(1), pick: z.boolean() });
export const pickResponse = z.object({ model_id: z.string(), pick: z.boolean() });
