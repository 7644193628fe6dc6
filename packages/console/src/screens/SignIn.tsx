import { type FormEvent, useState } from 'react';
import { useSession } from '../session';

/** The key is sent once, to be exchanged for an HttpOnly cookie; it is never stored in the page. */
export function SignIn() {
  const { signIn } = useSession();
  const [asAdmin, setAsAdmin] = useState(false);
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(asAdmin ? { admin_token: secret.trim() } : { api_key: secret.trim() });
      setSecret('');
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to HookBridge</h1>
        <fieldset className="segmented">
          <legend className="sr-only">Credential</legend>
          <label>
            <input type="radio" name="kind" checked={!asAdmin} onChange={() => setAsAdmin(false)} /> API key
          </label>
          <label>
            <input type="radio" name="kind" checked={asAdmin} onChange={() => setAsAdmin(true)} /> Admin token
          </label>
        </fieldset>
        <label htmlFor="secret">{asAdmin ? 'Admin token' : 'API key'}</label>
        <input
          id="secret"
          name="secret"
          type="password"
          autoComplete="off"
          required
          placeholder={asAdmin ? 'HOOKBRIDGE_ADMIN_TOKEN' : 'hb_live_…'}
          value={secret}
          onChange={(event) => setSecret(event.target.value)}
        />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          The key is exchanged for a session cookie that scripts cannot read; signing out ends the session on
          the server.
        </p>
      </form>
    </main>
  );
}
