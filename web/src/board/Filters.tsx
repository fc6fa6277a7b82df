import { memo } from 'react';
import { MODEL_TYPES } from '../api.ts';
import type { BoardView } from './view.ts';

/** Parameter-size stops for the range slider (billions); the ends mean "no bound". */
export const PARAM_STOPS = [0, 1, 3, 7, 10, 14, 35, 70, 150, Number.POSITIVE_INFINITY] as const;

function Chip({ label, pressed, onToggle }: { label: string; pressed: boolean; onToggle: () => void }) {
  return (
    <button type="button" className="chip" aria-pressed={pressed} onClick={onToggle}>
      {label}
    </button>
  );
}

function toggle<T>(items: readonly T[], item: T): T[] {
  return items.includes(item) ? items.filter((x) => x !== item) : [...items, item];
}

interface Props {
  view: BoardView;
  precisions: readonly string[];
  onChange: (patch: Partial<BoardView>) => void;
}

export const Filters = memo(function Filters({ view, precisions, onChange }: Props) {
  const minIndex =
    view.paramsMin === null
      ? 0
      : Math.max(
          0,
          PARAM_STOPS.findIndex((s) => s >= view.paramsMin!),
        );
  const maxIndex =
    view.paramsMax === null
      ? PARAM_STOPS.length - 1
      : Math.max(
          0,
          PARAM_STOPS.findIndex((s) => s >= view.paramsMax!),
        );
  const stopLabel = (i: number) => {
    const stop = PARAM_STOPS[i]!;
    return Number.isFinite(stop) ? `${stop}B` : 'any';
  };
  return (
    <div className="filters">
      <fieldset>
        <legend>Model type</legend>
        {MODEL_TYPES.map((type) => (
          <Chip
            key={type}
            label={type}
            pressed={view.types.includes(type)}
            onToggle={() => onChange({ types: toggle(view.types, type) })}
          />
        ))}
      </fieldset>
      <fieldset>
        <legend>Weights</legend>
        {(['open', 'proprietary'] as const).map((o) => (
          <Chip
            key={o}
            label={o}
            pressed={view.openness.includes(o)}
            onToggle={() => onChange({ openness: toggle(view.openness, o) })}
          />
        ))}
      </fieldset>
      <fieldset>
        <legend>Precision</legend>
        {precisions.map((p) => (
          <Chip
            key={p}
            label={p}
            pressed={view.precisions.includes(p)}
            onToggle={() => onChange({ precisions: toggle(view.precisions, p) })}
          />
        ))}
      </fieldset>
      <fieldset>
        <legend>Chat template</legend>
        <Chip
          label="with"
          pressed={view.chatTemplate === true}
          onToggle={() => onChange({ chatTemplate: view.chatTemplate === true ? null : true })}
        />
        <Chip
          label="without"
          pressed={view.chatTemplate === false}
          onToggle={() => onChange({ chatTemplate: view.chatTemplate === false ? null : false })}
        />
      </fieldset>
      <fieldset>
        <legend>Evaluation mode</legend>
        {(['loglikelihood', 'generative'] as const).map((m) => (
          <Chip
            key={m}
            label={m}
            pressed={view.mode === m}
            onToggle={() => onChange({ mode: view.mode === m ? null : m })}
          />
        ))}
      </fieldset>
      <fieldset>
        <legend>Curation</legend>
        <Chip label="maintainers' picks" pressed={view.picks} onToggle={() => onChange({ picks: !view.picks })} />
        <Chip
          label="show non-standard setups"
          pressed={!view.standardOnly}
          onToggle={() => onChange({ standardOnly: !view.standardOnly })}
        />
      </fieldset>
      <fieldset className="range">
        <legend>
          Parameters: {stopLabel(minIndex)} – {stopLabel(maxIndex)}
        </legend>
        <label>
          <span className="sr-only">Minimum parameters</span>
          <input
            type="range"
            min={0}
            max={PARAM_STOPS.length - 1}
            value={minIndex}
            aria-valuetext={stopLabel(minIndex)}
            onChange={(e) => {
              const i = Math.min(Number(e.target.value), maxIndex);
              onChange({ paramsMin: i === 0 ? null : PARAM_STOPS[i]! });
            }}
          />
        </label>
        <label>
          <span className="sr-only">Maximum parameters</span>
          <input
            type="range"
            min={0}
            max={PARAM_STOPS.length - 1}
            value={maxIndex}
            aria-valuetext={stopLabel(maxIndex)}
            onChange={(e) => {
              const i = Math.max(Number(e.target.value), minIndex);
              onChange({ paramsMax: i === PARAM_STOPS.length - 1 ? null : PARAM_STOPS[i]! });
            }}
          />
        </label>
      </fieldset>
    </div>
  );
});
