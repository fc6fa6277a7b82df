import { useCallback, useEffect, useState } from 'react';
import { api } from '../api.ts';

/** GETs a path whenever it changes; reload() fetches it again (after a vote, an upload, …). */
export function useFetch<T>(path: string | null): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new generation is what reload() asks for: fetch again
  useEffect(() => {
    if (path === null) return;
    let cancelled = false;
    setError(null);
    api<T>(path).then(
      (value) => !cancelled && setData(value),
      (e: Error) => !cancelled && setError(e.message),
    );
    return () => {
      cancelled = true;
    };
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, reload };
}
