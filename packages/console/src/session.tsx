import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { applySessionHeaders, whenUnauthorized } from './api/http';
import { type Credentials, closeSession, currentSession, openSession, type Session } from './api/session';

/** The admin's chosen project is a preference, not a secret: it lives in sessionStorage. */
const ADMIN_PROJECT_KEY = 'hookbridge.console.project';

interface SessionState {
  status: 'loading' | 'signed-out' | 'signed-in';
  session: Session | null;
  /** The project every call acts for: the key's own, or the one an admin picked. */
  projectId: string | null;
  signIn(credentials: Credentials): Promise<void>;
  signOut(): Promise<void>;
  chooseProject(projectId: string): void;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<SessionState['status']>('loading');
  const [session, setSession] = useState<Session | null>(null);
  const [adminProject, setAdminProject] = useState<string | null>(() =>
    sessionStorage.getItem(ADMIN_PROJECT_KEY),
  );

  const projectId = session?.kind === 'admin' ? adminProject : (session?.project_id ?? null);
  applySessionHeaders(session?.csrf_token ?? null, session?.kind === 'admin' ? adminProject : null);

  const signedOut = useCallback(() => {
    setSession(null);
    setStatus('signed-out');
    queryClient.clear();
  }, [queryClient]);

  useEffect(() => {
    whenUnauthorized(signedOut);
    currentSession().then((found) => {
      setSession(found);
      setStatus(found ? 'signed-in' : 'signed-out');
    });
  }, [signedOut]);

  const value = useMemo<SessionState>(
    () => ({
      status,
      session,
      projectId,
      async signIn(credentials) {
        const opened = await openSession(credentials);
        queryClient.clear();
        setSession(opened);
        setStatus('signed-in');
      },
      async signOut() {
        try {
          await closeSession();
        } finally {
          sessionStorage.removeItem(ADMIN_PROJECT_KEY);
          setAdminProject(null);
          signedOut();
        }
      },
      chooseProject(id) {
        sessionStorage.setItem(ADMIN_PROJECT_KEY, id);
        setAdminProject(id);
        queryClient.clear();
      },
    }),
    [status, session, projectId, queryClient, signedOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}
