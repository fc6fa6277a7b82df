import type { SampleRow, Submission } from '../api.ts';
import { useFetch } from '../components/useFetch.ts';
import { Link, useQuery } from '../router.tsx';

const PAGE = 20;

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function Sample({ row }: { row: SampleRow }) {
  const verdict = row.correct === true ? 'correct' : row.correct === false ? 'incorrect' : 'unscored';
  return (
    <article className={`sample ${verdict}`} aria-label={`${row.task} item ${row.item_id}`}>
      <header>
        <h3>
          {row.task} · item {String(row.item_id)}
        </h3>
        <span className={`badge ${verdict}`}>{verdict}</span>
      </header>
      <h4>Prompt</h4>
      {row.messages ? (
        <ol className="turns">
          {row.messages.map((m, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: turns have no identity beyond their position
            <li key={i} className={`turn ${m.role}`}>
              <span className="role">{m.role}</span>
              <pre>{m.content}</pre>
            </li>
          ))}
        </ol>
      ) : (
        <pre>{row.prompt ?? '–'}</pre>
      )}
      <h4>Output</h4>
      <pre>{row.output ?? '–'}</pre>
      <dl className="facts">
        <dt>Extracted</dt>
        <dd>
          <code>{row.extracted ?? '–'}</code>
        </dd>
        <dt>{row.metric.name}</dt>
        <dd>{row.metric.value ?? '–'}</dd>
        {'gold' in row && row.gold !== undefined && (
          <>
            <dt>Gold</dt>
            <dd>
              <code>{show(row.gold)}</code>
            </dd>
          </>
        )}
      </dl>
    </article>
  );
}

export function Samples({ submissionId }: { submissionId: number }) {
  const [params, setParams] = useQuery();
  const submission = useFetch<Submission>(`/api/submissions/${submissionId}`);
  const tasks = Object.keys(submission.data?.scores ?? {});
  const task = params.get('task') ?? '';
  const correct = params.get('correct') ?? '';
  const offset = Number(params.get('offset') ?? 0);
  const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (task) query.set('task', task);
  if (correct) query.set('correct', correct);
  const samples = useFetch<{ total: number; rows: SampleRow[] }>(`/api/submissions/${submissionId}/samples?${query}`);

  return (
    <section aria-labelledby="samples-title">
      <h1 id="samples-title">Samples of submission #{submissionId}</h1>
      {submission.data && (
        <p>
          <Link href={`/models/${encodeURIComponent(submission.data.model_id)}`}>{submission.data.model_id}</Link> ·{' '}
          {submission.data.suite} · {submission.data.status}
        </p>
      )}
      <div className="toolbar">
        <label>
          <span>Task</span>
          <select value={task} onChange={(e) => setParams({ task: e.target.value || null, offset: null })}>
            <option value="">all tasks</option>
            {tasks.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Answers</span>
          <select value={correct} onChange={(e) => setParams({ correct: e.target.value || null, offset: null })}>
            <option value="">all</option>
            <option value="true">correct</option>
            <option value="false">incorrect</option>
          </select>
        </label>
        {samples.data && (
          <output className="count">
            {samples.data.total === 0
              ? 'no items'
              : `items ${offset + 1}–${Math.min(offset + PAGE, samples.data.total)} of ${samples.data.total}`}
          </output>
        )}
      </div>
      {(samples.error || submission.error) && (
        <p role="alert" className="error">
          {samples.error ?? submission.error}
        </p>
      )}
      {samples.data?.rows.map((row) => (
        <Sample key={`${row.task}|${row.item_id}`} row={row} />
      ))}
      {samples.data && (
        <nav className="pager" aria-label="Sample pages">
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => setParams({ offset: String(Math.max(0, offset - PAGE)) })}
          >
            Previous
          </button>
          <button
            type="button"
            disabled={offset + PAGE >= samples.data.total}
            onClick={() => setParams({ offset: String(offset + PAGE) })}
          >
            Next
          </button>
        </nav>
      )}
    </section>
  );
}
