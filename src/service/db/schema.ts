/**
 * The service's data model, one schema for PGlite and PostgreSQL. Migrations in drizzle/ are
 * generated from this file with `npx drizzle-kit generate` and applied by openDatabase().
 */
import {
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

export const ROLES = ['user', 'maintainer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const MODEL_TYPES = [
  'pretrained',
  'continuously-pretrained',
  'fine-tuned',
  'chat',
  'merge',
  'multimodal',
  'other',
] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

export const SUBMISSION_STATUSES = ['queued', 'scoring', 'scored', 'rejected'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export const REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'running', 'done', 'failed'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  role: text('role', { enum: ROLES }).notNull().default('user'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** API tokens: `eb_<id>_<secret>`; only scrypt(secret, salt) is stored. */
export const apiTokens = pgTable('api_tokens', {
  id: text('id').primaryKey(),
  userId: integer('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  salt: text('salt').notNull(),
  hash: text('hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const models = pgTable('models', {
  /** Hub-style id, "org/name". */
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  org: text('org').notNull(),
  revision: text('revision'),
  type: text('type', { enum: MODEL_TYPES }).notNull().default('other'),
  openness: text('openness', { enum: ['open', 'proprietary'] })
    .notNull()
    .default('open'),
  license: text('license'),
  architecture: text('architecture'),
  paramsB: doublePrecision('params_b'),
});

export const suites = pgTable('suites', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  /** sha256 of the suite YAML the tasks were loaded from. */
  sha256: text('sha256').notNull(),
  position: integer('position').notNull().default(0),
  /** The suite YAML's parsed definition, which uploads are scored against (null: hidden-gold suites). */
  definition: jsonb('definition').$type<Record<string, unknown>>(),
});

export const suiteTasks = pgTable(
  'suite_tasks',
  {
    suiteId: text('suite_id')
      .notNull()
      .references(() => suites.id, { onDelete: 'cascade' }),
    /** The column id on the board ("leaderboard_bbh"). */
    taskId: text('task_id').notNull(),
    name: text('name').notNull(),
    domain: text('domain').notNull(),
    /** Null where each sub-category has its own baseline. */
    randomBaseline: doublePrecision('random_baseline'),
    numFewshot: integer('num_fewshot'),
    /** Gold answers of a public task may be shown in the sample viewer. */
    goldPublic: boolean('gold_public').notNull().default(false),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.suiteId, t.taskId] })],
);

export const submissions = pgTable(
  'submissions',
  {
    id: serial('id').primaryKey(),
    ownerId: integer('owner_id').references(() => users.id, { onDelete: 'set null' }),
    modelId: text('model_id')
      .notNull()
      .references(() => models.id),
    suiteId: text('suite_id')
      .notNull()
      .references(() => suites.id),
    precision: text('precision'),
    /**
     * The model's type and size as this submission declared them; the board shows these over the
     * model's own (the leaderboard lists one model in two precisions under different types).
     */
    modelType: text('model_type', { enum: MODEL_TYPES }),
    paramsB: doublePrecision('params_b'),
    mode: text('mode', { enum: ['loglikelihood', 'generative'] }),
    chatTemplate: boolean('chat_template'),
    systemPrompt: text('system_prompt'),
    fewshotAsMultiturn: boolean('fewshot_as_multiturn'),
    harnessVersion: text('harness_version'),
    configHash: text('config_hash'),
    status: text('status', { enum: SUBMISSION_STATUSES }).notNull().default('queued'),
    visibility: text('visibility', { enum: ['public', 'private'] })
      .notNull()
      .default('public'),
    standardSetup: boolean('standard_setup').notNull().default(true),
    /** The run's setup as the results file records it, and how it differs from the suite's. */
    setup: jsonb('setup').$type<Record<string, unknown>>().notNull().default({}),
    validation: jsonb('validation')
      .$type<{ errors: ValidationIssue[]; warnings: ValidationIssue[] }>()
      .notNull()
      .default({ errors: [], warnings: [] }),
    /** Mean of the normalised task scores (0–100), and of the raw ones (0–1). */
    total: doublePrecision('total'),
    totalRaw: doublePrecision('total_raw'),
    /** Where it came from: "upload", "import" (demo data) or "job". */
    source: text('source').notNull().default('upload'),
    /** When the model was submitted for evaluation (the leaderboard's own date for imported rows). */
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('submissions_board').on(t.suiteId, t.status, t.visibility),
    index('submissions_model').on(t.modelId),
    index('submissions_owner_created').on(t.ownerId, t.createdAt),
  ],
);

export interface ValidationIssue {
  readonly task: string | null;
  readonly id: string | null;
  readonly message: string;
}

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * An accepted upload waiting to be scored: the archive's bytes, in the database so that whichever
 * server's worker takes the scoring job can read it. Deleted once the submission is scored or rejected.
 */
export const submissionArchives = pgTable('submission_archives', {
  submissionId: integer('submission_id')
    .primaryKey()
    .references(() => submissions.id, { onDelete: 'cascade' }),
  archive: bytea('archive').notNull(),
});

/** One score per submission, task and metric; values on the raw (0–1) and normalised (0–100) scales. */
export const scores = pgTable(
  'scores',
  {
    submissionId: integer('submission_id')
      .notNull()
      .references(() => submissions.id, { onDelete: 'cascade' }),
    taskId: text('task_id').notNull(),
    metric: text('metric').notNull(),
    raw: doublePrecision('raw').notNull(),
    normalised: doublePrecision('normalised'),
    stderr: doublePrecision('stderr'),
    ciLow: doublePrecision('ci_low'),
    ciHigh: doublePrecision('ci_high'),
    normalisedStderr: doublePrecision('normalised_stderr'),
    normalisedCiLow: doublePrecision('normalised_ci_low'),
    normalisedCiHigh: doublePrecision('normalised_ci_high'),
  },
  (t) => [primaryKey({ columns: [t.submissionId, t.taskId, t.metric] }), index('scores_task').on(t.taskId, t.raw)],
);

/** Per sub-category scores (MMLU subjects, BBH subtasks, MERA domains). */
export const subScores = pgTable(
  'sub_scores',
  {
    submissionId: integer('submission_id')
      .notNull()
      .references(() => submissions.id, { onDelete: 'cascade' }),
    taskId: text('task_id').notNull(),
    subcategory: text('subcategory').notNull(),
    raw: doublePrecision('raw').notNull(),
    normalised: doublePrecision('normalised'),
  },
  (t) => [primaryKey({ columns: [t.submissionId, t.taskId, t.subcategory] })],
);

/** Per-item outputs for the sample viewer. Never holds gold: that lives in `gold` only. */
export const samples = pgTable(
  'samples',
  {
    id: serial('id').primaryKey(),
    submissionId: integer('submission_id')
      .notNull()
      .references(() => submissions.id, { onDelete: 'cascade' }),
    taskId: text('task_id').notNull(),
    itemId: text('item_id').notNull(),
    prompt: text('prompt'),
    messages: jsonb('messages').$type<{ role: string; content: string }[]>(),
    output: text('output').notNull(),
    extracted: text('extracted'),
    metricName: text('metric_name').notNull(),
    metricValue: doublePrecision('metric_value'),
    correct: boolean('correct'),
    /** The prompt variant the item was asked with, for the prompt-spread view. */
    promptId: text('prompt_id'),
  },
  (t) => [index('samples_submission_task').on(t.submissionId, t.taskId, t.correct)],
);

/** Hidden gold answers (`evalboard admin load-gold`): read by the scorer only, never by a route. */
export const gold = pgTable(
  'gold',
  {
    suiteId: text('suite_id').notNull(),
    taskId: text('task_id').notNull(),
    itemId: text('item_id').notNull(),
    answer: jsonb('answer').notNull(),
  },
  (t) => [primaryKey({ columns: [t.suiteId, t.taskId, t.itemId] })],
);

export const evaluationRequests = pgTable(
  'evaluation_requests',
  {
    id: serial('id').primaryKey(),
    /** "hf:org/name", a GGUF path, or an OpenAI-compatible endpoint. */
    model: text('model').notNull(),
    modelArgs: text('model_args'),
    suiteId: text('suite_id')
      .notNull()
      .references(() => suites.id),
    requestedBy: integer('requested_by')
      .notNull()
      .references(() => users.id),
    status: text('status', { enum: REQUEST_STATUSES }).notNull().default('pending'),
    decidedBy: integer('decided_by').references(() => users.id),
    jobId: text('job_id'),
    failure: text('failure'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('requests_status').on(t.status)],
);

export const votes = pgTable(
  'votes',
  {
    requestId: integer('request_id')
      .notNull()
      .references(() => evaluationRequests.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.userId] })],
);

/** Maintainers' picks (the Open LLM Leaderboard's "official providers"). */
export const picks = pgTable('picks', {
  modelId: text('model_id')
    .primaryKey()
    .references(() => models.id, { onDelete: 'cascade' }),
  pickedBy: integer('picked_by').references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One row, bumped on every write the board shows; servers compare it with their cached view's
 * version, so a submission ingested by another process (a worker) reaches every server's board.
 */
export const boardState = pgTable('board_state', {
  id: integer('id').primaryKey(),
  version: integer('version').notNull().default(0),
});
