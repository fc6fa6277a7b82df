import { type FormEvent, useMemo, useState } from 'react';
import type { CompareEntry, Comparison, Suite } from '../api.ts';
import { formatScore } from '../board/format.ts';
import { IntervalChart } from '../components/IntervalChart.tsx';
import { useFetch } from '../components/useFetch.ts';
import { Link, useQuery } from '../router.tsx';

const MAX_MODELS = 5;

function PairVerdicts({ entry }: { entry: CompareEntry }) {
  return (
    <ul className="pairs">
      {entry.pairs.map((p) => (
        <li key={`${p.a}|${p.b}`} className={p.significant ? 'significant' : 'not-significant'}>
          <span className="pair-names">
            {p.a} − {p.b}: {p.diff === null ? '–' : `${p.diff > 0 ? '+' : ''}${p.diff.toFixed(2)}`}
          </span>{' '}
          <strong>{p.significant ? 'significant' : 'not significant'}</strong>{' '}
          <span className="method">
            (
            {p.method === 'paired'
              ? `paired test${p.p_value === null ? '' : `, p = ${p.p_value.toPrecision(2)}`}`
              : 'by CI overlap, no paired data'}
            )
          </span>
        </li>
      ))}
    </ul>
  );
}

function CompareTable({
  title,
  entries,
  models,
  labelOf,
}: {
  title: string;
  entries: CompareEntry[];
  models: string[];
  labelOf: (e: CompareEntry) => string;
}) {
  return (
    <div className="table-scroll">
      <table className="plain compare">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{title}</th>
            {models.map((m) => (
              <th key={m} scope="col" className="num">
                {m}
              </th>
            ))}
            <th scope="col">Differences</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={labelOf(e)}>
              <th scope="row">{labelOf(e)}</th>
              {models.map((m) => {
                const v = e.values[m];
                return (
                  <td key={m} className="num">
                    {formatScore(v?.value, true)}
                    {v && v.ci_low !== null && v.ci_high !== null && (
                      <span className="pm">
                        {' '}
                        [{formatScore(v.ci_low, true)}, {formatScore(v.ci_high, true)}]
                      </span>
                    )}
                  </td>
                );
              })}
              <td>
                <PairVerdicts entry={e} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Compare() {
  const [params, setParams] = useQuery();
  const models = (params.get('models') ?? '').split(',').filter(Boolean);
  const suite = params.get('suite');
  const [adding, setAdding] = useState('');
  const path =
    models.length >= 2
      ? `/api/compare?models=${models.map(encodeURIComponent).join(',')}${suite ? `&suite=${encodeURIComponent(suite)}` : ''}`
      : null;
  const { data, error } = useFetch<Comparison>(path);
  const suites = useFetch<Suite[]>('/api/suites').data;
  const taskName = (id: string) => suites?.flatMap((s) => s.tasks).find((t) => t.id === id)?.name ?? id;
  const current = data && data.models.join(',') === models.join(',') ? data : null;

  const setModels = (next: string[]) => setParams({ models: next.join(',') || null }, true);
  const add = (event: FormEvent) => {
    event.preventDefault();
    const id = adding.trim();
    if (id && !models.includes(id) && models.length < MAX_MODELS) setModels([...models, id]);
    setAdding('');
  };

  const domainSeries = useMemo(
    () => (current ? current.models.map((m) => ({ name: m, points: current.domains.map((d) => d.values[m]) })) : []),
    [current],
  );

  return (
    <section aria-labelledby="compare-title">
      <h1 id="compare-title">Compare models</h1>
      <p>
        Two to five models side by side. A difference is tested with a paired test where both submissions have per-item
        results, otherwise judged by whether the 95% intervals overlap; each verdict says which.
      </p>
      <ul className="chosen">
        {models.map((m) => (
          <li key={m}>
            <Link href={`/models/${encodeURIComponent(m)}`}>{m}</Link>{' '}
            <button type="button" aria-label={`Remove ${m}`} onClick={() => setModels(models.filter((x) => x !== m))}>
              ×
            </button>
          </li>
        ))}
      </ul>
      {models.length < MAX_MODELS && (
        <form onSubmit={add} className="inline-form">
          <label>
            <span>Add a model by id</span>
            <input value={adding} onChange={(e) => setAdding(e.target.value)} placeholder="org/name" />
          </label>
          <button type="submit">Add</button>
        </form>
      )}
      {models.length < 2 && <p>Add at least two models (or pick “Compare with…” on a model's page).</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {current && (
        <>
          {current.domains.length > 0 && (
            <>
              <h2>Domains</h2>
              <IntervalChart
                categories={current.domains.map((d) => d.domain ?? '')}
                series={domainSeries}
                label={`Per-domain scores with 95% intervals for ${current.models.join(', ')}`}
              />
              <CompareTable
                title="Domain"
                entries={current.domains}
                models={current.models}
                labelOf={(e) => e.domain ?? ''}
              />
            </>
          )}
          <h2>Tasks</h2>
          <CompareTable
            title="Task"
            entries={current.tasks}
            models={current.models}
            labelOf={(e) => taskName(e.task ?? '')}
          />
        </>
      )}
    </section>
  );
}
