import { FluentProvider, makeStyles, tokens, webDarkTheme, webLightTheme } from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { management } from './api/clients.js';
import { navigate, useLocation } from './navigation.js';
import { renderRoute } from './routes.js';
import { accessOf } from './session/access.js';
import { activeSession, clearSessions, readSessions, saveSession, setActiveTenant, type Session } from './session/session-store.js';
import { completeSignIn, signOutUrl, startSignIn } from './session/token-source.js';
import { Header } from './shell/header.js';
import { Nav } from './shell/nav.js';
import { ErrorState, Loading } from './shell/page-states.js';
import { SessionContext, type SessionContextValue } from './shell/session-context.js';
import { SignInPage } from './pages/sign-in.js';

const useStyles = makeStyles({
  app: { display: 'flex', flexDirection: 'column', height: '100vh', backgroundColor: tokens.colorNeutralBackground2 },
  body: { display: 'flex', flexGrow: 1, minHeight: 0 },
  nav: { flexShrink: 0, height: '100%', overflowY: 'auto' },
  main: { flexGrow: 1, overflowY: 'auto', minWidth: 0, backgroundColor: tokens.colorNeutralBackground1 },
  skip: {
    position: 'absolute',
    left: '-9999px',
    ':focus': {
      left: tokens.spacingHorizontalM,
      top: tokens.spacingVerticalM,
      zIndex: 10,
      padding: tokens.spacingHorizontalS,
      backgroundColor: tokens.colorNeutralBackground1,
    },
  },
});

/** Follows the system's light or dark preference, live. */
function useSystemTheme() {
  const query = useMemo(() => window.matchMedia('(prefers-color-scheme: dark)'), []);
  const [dark, setDark] = useState(query.matches);
  useEffect(() => {
    const on = (e: MediaQueryListEvent) => setDark(e.matches);
    query.addEventListener('change', on);
    return () => query.removeEventListener('change', on);
  }, [query]);
  return dark ? webDarkTheme : webLightTheme;
}

export function App() {
  const theme = useSystemTheme();
  return (
    <FluentProvider theme={theme} style={{ height: '100%' }}>
      <Root />
    </FluentProvider>
  );
}

function Root() {
  const [session, setSession] = useState<Session | undefined>(() => activeSession());
  const [callback, setCallback] = useState<{ busy: boolean; error?: unknown }>({ busy: new URL(location.href).searchParams.has('state') });

  useEffect(() => {
    if (!callback.busy) return;
    completeSignIn(new URL(location.href)).then(
      (returnTo) => {
        setSession(activeSession());
        setCallback({ busy: false });
        navigate(returnTo ?? '/entra/app-registrations', { replace: true });
      },
      (error: unknown) => {
        history.replaceState(null, '', '/');
        setCallback({ busy: false, error });
      },
    );
  }, [callback.busy]);

  if (callback.busy) return <Loading label="Signing in…" />;
  if (!session) return <SignInPage error={callback.error} />;
  return <Shell session={session} onSessionChange={setSession} />;
}

function Shell({ session, onSessionChange }: { session: Session; onSessionChange: (s: Session | undefined) => void }) {
  const s = useStyles();
  const { pathname } = useLocation();

  // The organization's name for the header (the sign-in answer carries only its id).
  useEffect(() => {
    if (session.tenantName !== session.tenantId) return;
    management(session)
      .organization()
      .then((org) => {
        const o = org.value[0];
        if (!o) return;
        const domains = (o.verifiedDomains as { name: string; isInitial?: boolean }[] | undefined) ?? [];
        const updated = {
          ...session,
          tenantName: String(o.displayName ?? session.tenantId),
          domain: domains.find((d) => d.isInitial)?.name ?? domains[0]?.name,
        };
        saveSession(updated);
        onSessionChange(updated);
      })
      .catch(() => undefined);
  }, [session, onSessionChange]);

  useEffect(() => {
    if (pathname === '/') navigate('/entra/app-registrations', { replace: true });
  }, [pathname]);

  const switchTenant = useCallback(
    (tenantId: string) => {
      setActiveTenant(tenantId);
      onSessionChange(readSessions()[tenantId]);
    },
    [onSessionChange],
  );
  const value: SessionContextValue = {
    session,
    sessions: Object.values(readSessions()),
    access: accessOf(session),
    switchTenant,
    signOut: () => {
      const url = signOutUrl(session.tenantId);
      clearSessions();
      location.assign(url);
    },
    addTenant: () => void startSignIn('organizations', { prompt: 'select_account' }),
  };
  return (
    <SessionContext.Provider value={value}>
      <div className={s.app}>
        <a className={s.skip} href="#main">
          Skip to main content
        </a>
        <Header />
        <div className={s.body}>
          <div className={s.nav}>
            <Nav pathname={pathname} />
          </div>
          <main id="main" className={s.main} key={session.tenantId} tabIndex={-1}>
            {renderRoute(pathname) ?? <ErrorState title="Page not found" error={new Error(`There is no page at ${pathname}.`)} />}
          </main>
        </div>
      </div>
    </SessionContext.Provider>
  );
}
