import { type FormEvent, useEffect, useRef, useState } from 'react';
import {
  api,
  authHeaders,
  errorFromBody,
  MODEL_TYPES,
  type MySubmission,
  type Submission,
  type Suite,
  type ValidationIssue,
} from '../api.ts';
import { formatScore } from '../board/format.ts';
import { useFetch } from '../components/useFetch.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';

interface Upload {
  sent: number;
  total: number;
}

/** POSTs the form with XMLHttpRequest, whose upload events fetch() does not offer, to drive the progress bar. */
function upload(form: FormData, onProgress: (p: Upload) => void): Promise<{ id: number; status: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/submissions');
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => onProgress({ sent: e.loaded, total: e.lengthComputable ? e.total : 0 });
    xhr.onerror = () => reject(new Error('The upload failed: the connection to the server was lost.'));
    xhr.onload = async () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText));
      else reject(await errorFromBody(xhr.status, xhr.responseText));
    };
    xhr.send(form);
  });
}

function IssueList({ title, issues }: { title: string; issues: ValidationIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <div className="table-scroll">
      <table className="plain issues" data-testid={title.toLowerCase()}>
        <caption>
          {title} ({issues.length})
        </caption>
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Item id</th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {issues.map((issue, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the same task and id can carry several messages
            <tr key={i}>
              <td>{issue.task ?? '–'}</td>
              <td>{issue.id ?? '–'}</td>
              <td>{issue.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Submit() {
  const { me } = useSession();
  const suites = useFetch<Suite[]>('/api/suites').data;
  const mine = useFetch<MySubmission[]>(me ? '/api/my/submissions' : null);
  const [progress, setProgress] = useState<Upload | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [submission, setSubmission] = useState<Submission | null>(null);
  const [errors, setErrors] = useState<ValidationIssue[]>([]);
  const poll = useRef<number | null>(null);

  useEffect(() => () => (poll.current === null ? undefined : window.clearTimeout(poll.current)), []);

  const follow = (id: number) => {
    api<Submission>(`/api/submissions/${id}`).then(
      (s) => {
        setSubmission(s);
        setErrors(s.validation?.errors ?? []);
        if (s.status === 'queued' || s.status === 'scoring') poll.current = window.setTimeout(() => follow(id), 500);
        else mine.reload();
      },
      (e: Error) => setError(e.message),
    );
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    for (const [name, value] of [...form.entries()]) if (value === '') form.delete(name);
    // The archive goes last: the service reads the fields before it streams the file.
    const archive = form.get('archive');
    form.delete('archive');
    if (archive) form.append('archive', archive);
    setError(null);
    setErrors([]);
    setSubmission(null);
    setProgress({ sent: 0, total: 0 });
    try {
      const res = await upload(form, setProgress);
      follow(res.id);
    } catch (e) {
      // Refused before anything was stored (size, a hostile archive, a limit): there is nothing to follow.
      setError((e as Error).message);
      mine.reload();
    }
  };

  if (!me)
    return (
      <section aria-labelledby="submit-title">
        <h1 id="submit-title">Submit results</h1>
        <p>
          <Link href="/login?next=/submit">Log in with your API token</Link> to submit.
        </p>
      </section>
    );

  return (
    <section aria-labelledby="submit-title">
      <h1 id="submit-title">Submit results</h1>
      <form onSubmit={submit} className="stack narrow" aria-describedby="submit-help">
        <p id="submit-help">
          A MERA ZIP, or a zip/tar(.gz) of an evalboard or lm-eval output folder. Once uploaded and checked for safety
          it waits in the scoring queue; the status below follows it (queued, scoring, then scored or rejected), and
          errors name the task and item.
        </p>
        <label>
          <span>Model id</span>
          <input name="model_id" required placeholder="org/name" />
        </label>
        <label>
          <span>Suite</span>
          <select name="suite" required>
            {(suites ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Visibility</span>
          <select name="visibility" defaultValue="public">
            <option value="public">public</option>
            <option value="private">private (only you and maintainers)</option>
          </select>
        </label>
        <fieldset className="grid2">
          <legend>Model details (optional)</legend>
          <label>
            <span>Type</span>
            <select name="type" defaultValue="">
              <option value="">–</option>
              {MODEL_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
          <label>
            <span>Parameters (B)</span>
            <input name="params_b" type="number" step="any" min="0" />
          </label>
          <label>
            <span>Precision</span>
            <input name="precision" placeholder="bfloat16" />
          </label>
          <label>
            <span>Weights</span>
            <select name="openness" defaultValue="">
              <option value="">–</option>
              <option value="open">open</option>
              <option value="proprietary">proprietary</option>
            </select>
          </label>
          <label>
            <span>License</span>
            <input name="license" />
          </label>
        </fieldset>
        <label>
          <span>Archive</span>
          <input name="archive" type="file" required accept=".zip,.tar,.tar.gz,.tgz" />
        </label>
        <button type="submit">Upload</button>
        {progress && (
          <label className="progress">
            <span>Upload</span>
            <progress max={progress.total || 1} value={progress.total ? progress.sent : 0} />
            <span>{progress.total ? `${Math.round((progress.sent / progress.total) * 100)}%` : 'starting'}</span>
          </label>
        )}
      </form>
      <div aria-live="polite">
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {submission && (
          <div className="result">
            <h2>
              Submission #{submission.id}: {submission.status}
            </h2>
            {!submission.standard_setup && (
              <p className="badge nonstandard">non-standard setup: hidden from the default board</p>
            )}
            {submission.status === 'scored' && (
              <table className="plain">
                <caption>Scores (total {formatScore(submission.total, true)})</caption>
                <tbody>
                  {Object.entries(submission.scores).map(([task, score]) => (
                    <tr key={task}>
                      <th scope="row">{task}</th>
                      <td className="num">{formatScore(score?.value, true)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <IssueList title="Warnings" issues={submission.validation?.warnings ?? []} />
          </div>
        )}
        <IssueList title="Errors" issues={errors} />
      </div>
      <h2>My submissions</h2>
      <div className="table-scroll">
        <table className="plain" data-testid="my-submissions">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Model</th>
              <th scope="col">Suite</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col" className="num">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {(mine.data ?? []).map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  <Link href={`/submissions/${s.id}/samples`}>#{s.id}</Link>
                </th>
                <td>{s.model_id}</td>
                <td>{s.suite}</td>
                <td>{s.status}</td>
                <td>{s.created_at}</td>
                <td className="num">{formatScore(s.total, true)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
