import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { ApiError, api, getToken, LOGGED_OUT_EVENT, type Me, setToken } from './api.ts';

interface Session {
  me: Me | null;
  /** Stores the token and checks it with /api/me; throws the API's error when it is refused. */
  login: (token: string) => Promise<Me>;
  logout: () => void;
}

const SessionContext = createContext<Session>({
  me: null,
  login: async () => Promise.reject(new Error('no session')),
  logout: () => {},
});

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);

  useEffect(() => {
    const onLoggedOut = () => setMe(null);
    window.addEventListener(LOGGED_OUT_EVENT, onLoggedOut);
    return () => window.removeEventListener(LOGGED_OUT_EVENT, onLoggedOut);
  }, []);

  useEffect(() => {
    if (!getToken()) return;
    api<{ user: Me }>('/api/me', { keepRefusedToken: true }).then(
      (res) => setMe(res.user),
      (e) => {
        if (e instanceof ApiError && e.status === 401) setToken(null);
      },
    );
  }, []);

  const login = useCallback(async (token: string) => {
    setToken(token);
    try {
      const res = await api<{ user: Me }>('/api/me', { keepRefusedToken: true });
      setMe(res.user);
      return res.user;
    } catch (e) {
      setToken(null);
      setMe(null);
      throw e;
    }
  }, []);

  const logout = useCallback(() => {
    setToken(null);
    setMe(null);
  }, []);

  return <SessionContext.Provider value={{ me, login, logout }}>{children}</SessionContext.Provider>;
}

export const useSession = (): Session => useContext(SessionContext);

export const isMaintainer = (me: Me | null): boolean => me?.role === 'maintainer' || me?.role === 'admin';
