import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from 'react';

/**
 * A router on the History API: the path picks the page and the query string holds the page's
 * state (filters, sort, columns, compared models), so every view is a link someone can share.
 */

const CHANGE = 'evalboard:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const snapshot = (): string => window.location.pathname + window.location.search;

export function useLocationKey(): string {
  return useSyncExternalStore(subscribe, snapshot);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
}

/** The current query string as a read-only map, and a setter that keeps the path. */
export function useQuery(): [URLSearchParams, (update: Record<string, string | null>, push?: boolean) => void] {
  const key = useLocationKey();
  const params = new URLSearchParams(key.includes('?') ? key.slice(key.indexOf('?')) : '');
  const set = (update: Record<string, string | null>, push = false): void => {
    const next = new URLSearchParams(window.location.search);
    for (const [name, value] of Object.entries(update)) {
      if (value === null || value === '') next.delete(name);
      else next.set(name, value);
    }
    const query = next.toString();
    navigate(window.location.pathname + (query ? `?${query}` : ''), { replace: !push });
  };
  return [params, set];
}

export function Link({ href, ...props }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    props.onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(href);
    window.scrollTo(0, 0);
  };
  return <a href={href} {...props} onClick={onClick} />;
}
