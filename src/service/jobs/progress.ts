import type { Db } from 'pg-boss';
import type { JobProgress } from './types.ts';

/**
 * Progress of running attempts, one row per job, in a schema of its own beside pg-boss's. pg-boss
 * writes a job's output only when the attempt settles, and its update() only reaches jobs that have
 * not started, so a running job's progress cannot live in the job row without writing pg-boss's
 * table behind its back. The row is replaced by the job's output when the job completes.
 */
const TABLE = 'evalboard_jobs.progress';

/** Idempotent, and safe when several workers start at once (the advisory lock serialises the DDL). */
export async function createProgressTable(sql: Db): Promise<void> {
  await sql.executeSql(`BEGIN;
    SELECT pg_advisory_xact_lock(hashtext('evalboard_jobs.progress'));
    CREATE SCHEMA IF NOT EXISTS evalboard_jobs;
    CREATE TABLE IF NOT EXISTS ${TABLE} (
      job_id uuid PRIMARY KEY,
      done integer NOT NULL,
      total integer NOT NULL,
      eta_s double precision,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    COMMIT;`);
}

export async function writeProgress(sql: Db, jobId: string, p: JobProgress): Promise<void> {
  await sql.executeSql(
    `INSERT INTO ${TABLE} (job_id, done, total, eta_s) VALUES ($1, $2, $3, $4)
     ON CONFLICT (job_id) DO UPDATE SET done = $2, total = $3, eta_s = $4, updated_at = now()`,
    [jobId, p.done, p.total, p.eta_s],
  );
}

export async function readProgress(sql: Db, jobId: string): Promise<JobProgress | null> {
  const { rows } = await sql.executeSql(`SELECT done, total, eta_s FROM ${TABLE} WHERE job_id = $1`, [jobId]);
  const row = rows[0] as { done: number; total: number; eta_s: number | null } | undefined;
  return row ? { done: row.done, total: row.total, eta_s: row.eta_s } : null;
}

export async function clearProgress(sql: Db, jobId: string): Promise<void> {
  await sql.executeSql(`DELETE FROM ${TABLE} WHERE job_id = $1`, [jobId]);
}
