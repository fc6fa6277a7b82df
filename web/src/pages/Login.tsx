import { type FormEvent, useState } from 'react';
import { navigate } from '../router.tsx';
import { useSession } from '../session.tsx';

export function Login() {
  const { me, login, logout } = useSession();
  const [token, setTokenText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(token.trim());
      const back = new URLSearchParams(window.location.search).get('next');
      navigate(back?.startsWith('/') ? back : '/');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="login-title" className="narrow">
      <h1 id="login-title">Log in</h1>
      {me ? (
        <p>
          Logged in as <strong>{me.name}</strong> ({me.role}).{' '}
          <button type="button" onClick={logout}>
            Log out
          </button>
        </p>
      ) : (
        <form onSubmit={submit} className="stack">
          <p>
            Paste the API token an administrator gave you (<code>evalboard admin create-user NAME</code> prints one). It
            stays in this browser's local storage.
          </p>
          <label>
            <span>API token</span>
            <input
              type="password"
              autoComplete="off"
              required
              value={token}
              onChange={(e) => setTokenText(e.target.value)}
            />
          </label>
          <button type="submit" disabled={busy || token.trim() === ''}>
            Log in
          </button>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
        </form>
      )}
    </section>
  );
}
