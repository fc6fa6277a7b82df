import { useMemo, useState } from 'react';
import { api, type ModelPage as ModelData, type Suite } from '../api.ts';
import { formatParams, formatScore, intervalText } from '../board/format.ts';
import { EChart } from '../components/EChart.tsx';
import { IntervalChart } from '../components/IntervalChart.tsx';
import { useFetch } from '../components/useFetch.ts';
import { Link } from '../router.tsx';
import { isMaintainer, useSession } from '../session.tsx';

export function ModelPage({ id }: { id: string }) {
  const { data, error, reload } = useFetch<ModelData>(`/api/models/${encodeURIComponent(id)}`);
  const suites = useFetch<Suite[]>('/api/suites').data;
  const { me } = useSession();
  const [pickError, setPickError] = useState<string | null>(null);

  const latest = data?.latest ?? null;
  const suiteId = latest?.suite;
  const suite = suites?.find((s) => s.id === suiteId) ?? suites?.[0];
  const domains = useMemo(() => Object.keys(latest?.domains ?? {}), [latest]);
  const domainSeries = useMemo(
    () => [{ name: id, points: domains.map((d) => latest?.domains[d]) }],
    [id, domains, latest],
  );
  const history = useMemo(() => {
    const points = [...(data?.submissions ?? [])]
      .filter((s) => s.average !== null && s.submitted_at !== null)
      .sort((a, b) => (a.submitted_at ?? '').localeCompare(b.submitted_at ?? ''))
      .map((s) => [s.submitted_at, s.average]);
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', name: 'average' },
      series: [{ type: 'line', data: points, symbolSize: 8 }],
    };
  }, [data]);

  if (error)
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  if (!data) return <p>Loading…</p>;
  const m = data.model;
  const taskIds = suite
    ? suite.tasks.map((t) => t.id).filter((t) => latest?.scores[t])
    : Object.keys(latest?.scores ?? {});
  const taskName = (t: string) => suite?.tasks.find((x) => x.id === t)?.name ?? t;

  const setPick = async (pick: boolean) => {
    setPickError(null);
    try {
      await api('/api/picks', { method: 'POST', json: { model_id: id, pick } });
      reload();
    } catch (e) {
      setPickError((e as Error).message);
    }
  };

  return (
    <section aria-labelledby="model-title">
      <h1 id="model-title">{m.model_id}</h1>
      <dl className="facts">
        <dt>Type</dt>
        <dd>{m.type}</dd>
        <dt>Weights</dt>
        <dd>{m.openness}</dd>
        <dt>Parameters</dt>
        <dd>{formatParams(m.params_b)} B</dd>
        <dt>Architecture</dt>
        <dd>{m.architecture ?? '–'}</dd>
        <dt>License</dt>
        <dd>{m.license ?? '–'}</dd>
        <dt>Pick</dt>
        <dd>{m.pick ? "maintainers' pick" : 'no'}</dd>
      </dl>
      <p className="actions">
        <Link
          className="button"
          href={`/compare?models=${encodeURIComponent(id)}${latest ? `&suite=${encodeURIComponent(latest.suite)}` : ''}`}
        >
          Compare with…
        </Link>
        {latest && (
          <Link className="button" href={`/submissions/${latest.submission_id}/samples`}>
            Samples of the latest submission
          </Link>
        )}
        {isMaintainer(me) && (
          <button type="button" onClick={() => setPick(!m.pick)}>
            {m.pick ? 'Remove from picks' : "Mark as maintainers' pick"}
          </button>
        )}
      </p>
      {pickError && (
        <p role="alert" className="error">
          {pickError}
        </p>
      )}
      {latest && domains.length > 0 && (
        <>
          <h2>Domains</h2>
          <IntervalChart
            categories={domains}
            series={domainSeries}
            label={`Score per domain for ${id}, with 95% intervals`}
          />
        </>
      )}
      {latest && (
        <>
          <h2>Tasks</h2>
          <div className="table-scroll">
            <table className="plain">
              <thead>
                <tr>
                  <th scope="col">Task</th>
                  <th scope="col" className="num">
                    Score
                  </th>
                  <th scope="col" className="num">
                    Stderr
                  </th>
                  <th scope="col">95% CI</th>
                  <th scope="col">Prompt spread</th>
                </tr>
              </thead>
              <tbody>
                {taskIds.map((t) => {
                  const score = latest.scores[t];
                  const spread = latest.prompt_spread?.[t];
                  return (
                    <tr key={t}>
                      <th scope="row">{taskName(t)}</th>
                      <td className="num">{formatScore(score?.value, true)}</td>
                      <td className="num">{formatScore(score?.stderr, true)}</td>
                      <td>{intervalText(score, true)}</td>
                      <td>
                        {spread
                          ? `${Object.keys(spread.per_prompt).length} prompts: mean ${spread.mean.toFixed(2)}, range ${spread.spread.toFixed(2)}, std ${spread.std.toFixed(2)}`
                          : 'single prompt'}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      <h2>Submission history</h2>
      {data.submissions.length > 1 && (
        <EChart option={history} height={200} label={`Average score of ${id} per submission over time`} />
      )}
      <div className="table-scroll">
        <table className="plain">
          <thead>
            <tr>
              <th scope="col">Submission</th>
              <th scope="col">Suite</th>
              <th scope="col">Status</th>
              <th scope="col">Submitted</th>
              <th scope="col" className="num">
                Average
              </th>
              <th scope="col">Setup</th>
            </tr>
          </thead>
          <tbody>
            {data.submissions.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  <Link href={`/submissions/${s.id}/samples`}>#{s.id}</Link>
                </th>
                <td>{s.suite}</td>
                <td>{s.status}</td>
                <td>{s.submitted_at ?? '–'}</td>
                <td className="num">{formatScore(s.average, true)}</td>
                <td>{s.standard_setup ? 'standard' : <span className="badge nonstandard">non-standard</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
