import { lazy, Suspense } from 'react';
import { Leaderboard } from './pages/Leaderboard.tsx';
import { Login } from './pages/Login.tsx';
import { Link, useLocationKey } from './router.tsx';
import { useSession } from './session.tsx';

// Pages with charts load on demand, so the board's bundle does not carry ECharts.
const ModelPage = lazy(() => import('./pages/ModelPage.tsx').then((m) => ({ default: m.ModelPage })));
const Compare = lazy(() => import('./pages/Compare.tsx').then((m) => ({ default: m.Compare })));
const Samples = lazy(() => import('./pages/Samples.tsx').then((m) => ({ default: m.Samples })));
const Submit = lazy(() => import('./pages/Submit.tsx').then((m) => ({ default: m.Submit })));
const Requests = lazy(() => import('./pages/Requests.tsx').then((m) => ({ default: m.Requests })));

function route(path: string) {
  const model = /^\/models\/(.+)$/.exec(path);
  if (model) return <ModelPage id={decodeURIComponent(model[1]!)} />;
  const samples = /^\/submissions\/(\d+)\/samples$/.exec(path);
  if (samples) return <Samples submissionId={Number(samples[1])} />;
  switch (path) {
    case '/':
      return <Leaderboard />;
    case '/compare':
      return <Compare />;
    case '/submit':
      return <Submit />;
    case '/requests':
      return <Requests />;
    case '/login':
      return <Login />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            No page at <code>{path}</code>. <Link href="/">Back to the leaderboard</Link>.
          </p>
        </section>
      );
  }
}

const NAV = [
  { href: '/', label: 'Leaderboard' },
  { href: '/compare', label: 'Compare' },
  { href: '/submit', label: 'Submit' },
  { href: '/requests', label: 'Requests' },
];

export function App() {
  const key = useLocationKey();
  const path = key.split('?')[0] ?? '/';
  const { me } = useSession();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href="/" className="brand">
          evalboard
        </Link>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <Link key={item.href} href={item.href} aria-current={path === item.href ? 'page' : undefined}>
              {item.label}
            </Link>
          ))}
        </nav>
        <Link href="/login" className="who">
          {me ? `${me.name} (${me.role})` : 'Log in'}
        </Link>
      </header>
      <main id="main">
        <Suspense fallback={<p>Loading…</p>}>{route(path)}</Suspense>
      </main>
    </>
  );
}
