import { type ReactNode, useEffect, useState } from 'react';
import { NavLink, useLocation } from 'react-router';
import { useSession } from '../session';
import { applyTheme, storedTheme, type Theme } from '../theme';

const NAV: Array<{ to: string; label: string; end?: boolean } | { heading: string }> = [
  { to: '/', label: 'Overview', end: true },
  { heading: 'Outbound' },
  { to: '/messages', label: 'Messages' },
  { to: '/endpoints', label: 'Endpoints' },
  { to: '/dlq', label: 'Dead letters' },
  { heading: 'Inbound' },
  { to: '/inbound/messages', label: 'Messages' },
  { to: '/inbound/endpoints', label: 'Endpoints' },
  { to: '/rejections', label: 'Rejections' },
  { heading: 'Project' },
  { to: '/exports', label: 'Exports' },
  { to: '/api-keys', label: 'API keys' },
  { to: '/settings', label: 'Settings' },
  { to: '/plan', label: 'Plan' },
];

export function Layout({ children }: { children: ReactNode }) {
  const { session, signOut } = useSession();
  const [theme, setTheme] = useState<Theme>(storedTheme);
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  useEffect(() => applyTheme(theme), [theme]);
  // Close the phone menu on every navigation.
  useEffect(() => setMenuOpen(false), [location.pathname]);

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          Menu
        </button>
        <span className="brand">HookBridge</span>
        <span className={`badge mode-${session?.mode}`} title="Mode of the signed-in key">
          {session?.kind === 'admin' ? 'admin' : session?.mode}
        </span>
        <span className="spacer" />
        <label className="theme-select">
          <span className="sr-only">Theme</span>
          <select
            value={theme}
            onChange={(event) => setTheme(event.target.value as Theme)}
            aria-label="Theme"
          >
            <option value="system">System theme</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
        <button type="button" className="secondary" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <nav id="nav" className={menuOpen ? 'nav open' : 'nav'} aria-label="Main">
        {NAV.map((item) =>
          'heading' in item ? (
            <h2 key={item.heading}>{item.heading}</h2>
          ) : (
            <NavLink key={item.to} to={item.to} end={item.end ?? false}>
              {item.label}
            </NavLink>
          ),
        )}
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
