/** The service API of docs/api.md, as the UI reads it: types and one fetch helper. */

export interface Task {
  id: string;
  name: string;
  domain: string;
  random_baseline: number | null;
}

export interface Suite {
  id: string;
  name: string;
  tasks: Task[];
  domains: string[];
}

export interface Score {
  value: number | null;
  raw?: number | null;
  stderr?: number | null;
  ci_low: number | null;
  ci_high: number | null;
}

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

export interface ModelMeta {
  model_id: string;
  name: string;
  org: string;
  type: ModelType;
  openness: 'open' | 'proprietary';
  params_b: number | null;
  architecture: string | null;
  license: string | null;
  pick: boolean;
}

export interface BoardRow extends ModelMeta {
  submission_id: number;
  precision: string | null;
  chat_template: boolean | null;
  mode: 'generative' | 'loglikelihood' | null;
  standard_setup: boolean;
  submitted_at: string | null;
  average: number | null;
  scores: Record<string, Score | undefined>;
}

export interface Board {
  total: number;
  suite: Suite;
  columns: string[];
  rows: BoardRow[];
}

export interface ModelSubmission {
  id: number;
  suite: string;
  status: string;
  submitted_at: string | null;
  average: number | null;
  standard_setup: boolean;
  precision: string | null;
}

export interface PromptSpread {
  per_prompt: Record<string, number>;
  mean: number;
  spread: number;
  std: number;
}

export interface ModelPage {
  model: ModelMeta;
  submissions: ModelSubmission[];
  latest: {
    submission_id: number;
    suite: string;
    scores: Record<string, Score | undefined>;
    domains: Record<string, Score | undefined>;
    prompt_spread?: Record<string, PromptSpread | undefined>;
  } | null;
}

export interface ComparePair {
  a: string;
  b: string;
  diff: number | null;
  p_value: number | null;
  significant: boolean;
  method: 'paired' | 'ci_overlap';
}

export interface CompareEntry {
  task?: string;
  domain?: string;
  values: Record<string, Score | undefined>;
  pairs: ComparePair[];
}

export interface Comparison {
  models: string[];
  tasks: CompareEntry[];
  domains: CompareEntry[];
}

export interface ValidationIssue {
  task: string | null;
  id: string | null;
  message: string;
}

export interface Submission {
  id: number;
  model_id: string;
  suite: string;
  status: 'queued' | 'scoring' | 'scored' | 'rejected';
  visibility: 'public' | 'private';
  standard_setup: boolean;
  validation: { errors: ValidationIssue[]; warnings: ValidationIssue[] };
  scores: Record<string, Score | undefined>;
  total: number | null;
  created_at: string;
}

export interface SampleRow {
  task: string;
  item_id: string;
  prompt: string | null;
  messages: { role: string; content: string }[] | null;
  output: string | null;
  extracted: string | null;
  metric: { name: string; value: number | null };
  correct: boolean | null;
  gold?: unknown;
}

export interface MySubmission {
  id: number;
  model_id: string;
  suite: string;
  status: Submission['status'];
  created_at: string;
  total: number | null;
}

export interface EvalRequest {
  id: number;
  model: string;
  suite: string;
  requested_by: string;
  votes: number;
  voted_by_me: boolean;
  status: 'pending' | 'approved' | 'rejected' | 'running' | 'done' | 'failed';
  queue_position: number | null;
  job_id: string | null;
  progress: { done: number; total: number; eta_s: number | null } | null;
  failure: string | null;
  created_at: string;
}

export interface Me {
  id: number;
  name: string;
  role: 'user' | 'maintainer' | 'admin';
}

/** An error answer of the API, with the code and message the service put in its body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'evalboard.token';

export function getToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

export function authHeaders(): Record<string, string> {
  const token = getToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

export async function errorFromBody(status: number, text: string): Promise<ApiError> {
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text as the message
  }
  const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
  return new ApiError(status, err?.code ?? 'error', err?.message ?? (text || `HTTP ${status}`), body);
}

/** Fired when the stored token was refused and dropped, so the session shows "Log in" again. */
export const LOGGED_OUT_EVENT = 'evalboard:logged-out';

export async function api<T>(
  path: string,
  init: { method?: string; json?: unknown; keepRefusedToken?: boolean } = {},
): Promise<T> {
  const auth = authHeaders();
  const headers: Record<string, string> = { ...auth };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await res.text();
  // The service refuses every request that carries an unknown token, public ones too: a stale token
  // (revoked, or from another database) is dropped and the request made again anonymously.
  if (res.status === 401 && auth.authorization && !init.keepRefusedToken) {
    setToken(null);
    window.dispatchEvent(new Event(LOGGED_OUT_EVENT));
    return api<T>(path, init);
  }
  if (!res.ok) throw await errorFromBody(res.status, text);
  return (text ? JSON.parse(text) : null) as T;
}
