import { type FormEvent, useEffect, useState } from 'react';
import { api, type EvalRequest, type Suite } from '../api.ts';
import { useFetch } from '../components/useFetch.ts';
import { Link } from '../router.tsx';
import { isMaintainer, useSession } from '../session.tsx';

function eta(seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds < 90) return `, about ${Math.round(seconds)} s left`;
  return `, about ${Math.round(seconds / 60)} min left`;
}

function Progress({ request }: { request: EvalRequest }) {
  const p = request.progress;
  if (!p) return null;
  return (
    <label className="progress">
      <span className="sr-only">Progress of {request.model}</span>
      <progress max={p.total || 1} value={p.done} />
      <span>
        {p.done}/{p.total}
        {eta(p.eta_s)}
      </span>
    </label>
  );
}

export function Requests() {
  const { me } = useSession();
  const { data, error, reload } = useFetch<EvalRequest[]>('/api/requests');
  const suites = useFetch<Suite[]>('/api/suites').data;
  const [actionError, setActionError] = useState<string | null>(null);
  const [model, setModel] = useState('');
  const [suite, setSuite] = useState('');
  const maintainer = isMaintainer(me);

  // Running jobs report progress: refresh the queue while any is running.
  const running = data?.some((r) => r.status === 'running' || r.status === 'approved') ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(reload, 3000);
    return () => window.clearInterval(timer);
  }, [running, reload]);

  const act = async (path: string, json?: unknown) => {
    setActionError(null);
    try {
      await api(path, { method: 'POST', json: json ?? {} });
      reload();
    } catch (e) {
      setActionError((e as Error).message);
    }
  };

  const request = async (event: FormEvent) => {
    event.preventDefault();
    await act('/api/requests', { model: model.trim(), suite: suite || suites?.[0]?.id });
    setModel('');
  };

  return (
    <section aria-labelledby="requests-title">
      <h1 id="requests-title">Evaluation requests</h1>
      {me ? (
        <form onSubmit={request} className="inline-form">
          <label>
            <span>Model to evaluate</span>
            <input
              value={model}
              onChange={(e) => setModel(e.target.value)}
              required
              placeholder="hf:org/name or a GGUF path"
            />
          </label>
          <label>
            <span>Suite</span>
            <select value={suite} onChange={(e) => setSuite(e.target.value)}>
              {(suites ?? []).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Request</button>
        </form>
      ) : (
        <p>
          <Link href="/login?next=/requests">Log in</Link> to request an evaluation or vote.
        </p>
      )}
      {(error || actionError) && (
        <p role="alert" className="error">
          {actionError ?? error}
        </p>
      )}
      <div className="table-scroll">
        <table className="plain" data-testid="requests">
          <caption>Queue, most voted first</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Suite</th>
              <th scope="col" className="num">
                Votes
              </th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Position
              </th>
              <th scope="col">Progress</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {(data ?? []).map((r) => (
              <tr key={r.id} data-request={r.id}>
                <th scope="row">
                  {r.model}
                  <div className="muted small">by {r.requested_by}</div>
                </th>
                <td>{r.suite}</td>
                <td className="num">{r.votes}</td>
                <td>
                  <span className={`status ${r.status}`}>{r.status}</span>
                  {r.failure && <div className="error small">{r.failure}</div>}
                </td>
                <td className="num">{r.queue_position ?? '–'}</td>
                <td>
                  <Progress request={r} />
                </td>
                <td>
                  {me && (
                    <button
                      type="button"
                      disabled={r.voted_by_me}
                      onClick={() => act(`/api/requests/${r.id}/vote`)}
                      aria-label={`Vote for ${r.model}`}
                    >
                      {r.voted_by_me ? 'Voted' : 'Vote'}
                    </button>
                  )}
                  {maintainer && r.status === 'pending' && (
                    <>
                      <button
                        type="button"
                        onClick={() => act(`/api/requests/${r.id}/approve`)}
                        aria-label={`Approve ${r.model}`}
                      >
                        Approve
                      </button>
                      <button
                        type="button"
                        onClick={() => act(`/api/requests/${r.id}/reject`)}
                        aria-label={`Reject ${r.model}`}
                      >
                        Reject
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
