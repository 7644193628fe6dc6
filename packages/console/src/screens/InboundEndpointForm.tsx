import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { inboundEndpoints } from '../api/resources';
import { Modal } from '../components/Modal';

const lines = (text: string) =>
  text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter(Boolean);

/** Create or edit an inbound endpoint: mode, forwarding URL, and how provider requests are verified. */
export default function InboundEndpointForm() {
  const { id } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const existing = useQuery({
    queryKey: ['inbound', id],
    queryFn: () => inboundEndpoints.get(id!),
    enabled: Boolean(id),
  });
  const [form, setForm] = useState({
    name: '',
    description: '',
    mode: 'forward' as 'forward' | 'cli',
    url: '',
    verify_static_token: false,
    token_header_name: 'X-Webhook-Token',
    token_value: '',
    verify_hmac: false,
    hmac_header_name: 'X-Signature',
    hmac_secret: '',
    timestamp_header_name: '',
    timestamp_ttl_seconds: '300',
    verify_ip_allowlist: false,
    allowed_cidrs: '',
    idempotency_header_names: '',
    ingest_response_code: '202',
    signing_enabled: false,
  });
  const [created, setCreated] = useState<{ id: string; url: string; secret?: string } | null>(null);
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  useEffect(() => {
    const e = existing.data;
    if (!e) return;
    setForm((f) => ({
      ...f,
      name: e.name,
      description: e.description ?? '',
      mode: e.mode,
      url: e.url,
      verify_static_token: e.verify_static_token,
      token_header_name: e.token_header_name ?? f.token_header_name,
      verify_hmac: e.verify_hmac,
      hmac_header_name: e.hmac_header_name ?? f.hmac_header_name,
      timestamp_header_name: e.timestamp_header_name ?? '',
      timestamp_ttl_seconds: String(e.timestamp_ttl_seconds ?? 300),
      verify_ip_allowlist: e.verify_ip_allowlist,
      allowed_cidrs: e.allowed_cidrs.join('\n'),
      idempotency_header_names: e.idempotency_header_names.join('\n'),
      ingest_response_code: String(e.ingest_response_code),
      signing_enabled: e.signing_enabled,
    }));
  }, [existing.data]);

  const save = useMutation({
    mutationFn: async () => {
      const body: Record<string, unknown> = {
        name: form.name.trim() || null,
        description: form.description.trim() || null,
        mode: form.mode,
        url: form.mode === 'forward' ? form.url.trim() : null,
        verify_static_token: form.verify_static_token,
        verify_hmac: form.verify_hmac,
        verify_ip_allowlist: form.verify_ip_allowlist,
        allowed_cidrs: lines(form.allowed_cidrs),
        idempotency_header_names: lines(form.idempotency_header_names),
        ingest_response_code: Number(form.ingest_response_code) || 202,
        signing_enabled: form.signing_enabled,
      };
      if (form.verify_static_token) {
        body.token_header_name = form.token_header_name.trim();
        if (form.token_value) body.token_value = form.token_value;
      }
      if (form.verify_hmac) {
        body.hmac_header_name = form.hmac_header_name.trim();
        if (form.hmac_secret) body.hmac_secret = form.hmac_secret;
        body.timestamp_header_name = form.timestamp_header_name.trim() || null;
        body.timestamp_ttl_seconds = Number(form.timestamp_ttl_seconds) || null;
      }
      if (id) {
        await inboundEndpoints.update(id, body);
        return null;
      }
      return inboundEndpoints.create(body);
    },
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: ['inbound-endpoints'] });
      void queryClient.invalidateQueries({ queryKey: ['endpoint-options'] });
      if (result) {
        setCreated({
          id: result.id,
          url: result.ingest_url,
          ...(result.signing_secret ? { secret: result.signing_secret } : {}),
        });
      } else {
        void queryClient.invalidateQueries({ queryKey: ['inbound', id] });
        navigate(`/inbound/endpoints/${id}`);
      }
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  return (
    <section>
      <p>
        <Link to={id ? `/inbound/endpoints/${id}` : '/inbound/endpoints'}>← Back</Link>
      </p>
      <h1>{id ? 'Edit inbound endpoint' : 'New inbound endpoint'}</h1>
      <form className="form" onSubmit={submit}>
        <label htmlFor="in-name">Name</label>
        <input id="in-name" type="text" value={form.name} onChange={(e) => set('name', e.target.value)} />
        <label htmlFor="in-description">Description</label>
        <input
          id="in-description"
          type="text"
          value={form.description}
          onChange={(e) => set('description', e.target.value)}
        />
        <fieldset>
          <legend>Mode</legend>
          <label className="inline">
            <input
              type="radio"
              name="mode"
              checked={form.mode === 'forward'}
              onChange={() => set('mode', 'forward')}
            />{' '}
            Forward to a URL
          </label>
          <label className="inline">
            <input
              type="radio"
              name="mode"
              checked={form.mode === 'cli'}
              onChange={() => set('mode', 'cli')}
            />{' '}
            Hold for the CLI (hb listen)
          </label>
          {form.mode === 'forward' && (
            <>
              <label htmlFor="in-url">Forward to</label>
              <input
                id="in-url"
                type="url"
                required
                value={form.url}
                onChange={(e) => set('url', e.target.value)}
              />
              <label className="inline" style={{ marginTop: '0.6rem' }}>
                <input
                  type="checkbox"
                  checked={form.signing_enabled}
                  onChange={(e) => set('signing_enabled', e.target.checked)}
                />{' '}
                Sign forwarded deliveries
              </label>
            </>
          )}
        </fieldset>
        <fieldset>
          <legend>Verification</legend>
          <label className="inline">
            <input
              type="checkbox"
              checked={form.verify_static_token}
              onChange={(e) => set('verify_static_token', e.target.checked)}
            />{' '}
            Static token
          </label>
          {form.verify_static_token && (
            <div className="two-col">
              <div>
                <label htmlFor="in-token-header">Token header</label>
                <input
                  id="in-token-header"
                  type="text"
                  value={form.token_header_name}
                  onChange={(e) => set('token_header_name', e.target.value)}
                />
              </div>
              <div>
                <label htmlFor="in-token">
                  Token {id && <span className="muted">(blank keeps the current)</span>}
                </label>
                <input
                  id="in-token"
                  type="password"
                  value={form.token_value}
                  onChange={(e) => set('token_value', e.target.value)}
                />
              </div>
            </div>
          )}
          <br />
          <label className="inline">
            <input
              type="checkbox"
              checked={form.verify_hmac}
              onChange={(e) => set('verify_hmac', e.target.checked)}
            />{' '}
            HMAC signature
          </label>
          {form.verify_hmac && (
            <div className="two-col">
              <div>
                <label htmlFor="in-hmac-header">Signature header</label>
                <input
                  id="in-hmac-header"
                  type="text"
                  value={form.hmac_header_name}
                  onChange={(e) => set('hmac_header_name', e.target.value)}
                />
              </div>
              <div>
                <label htmlFor="in-hmac-secret">
                  Secret {id && <span className="muted">(blank keeps the current)</span>}
                </label>
                <input
                  id="in-hmac-secret"
                  type="password"
                  value={form.hmac_secret}
                  onChange={(e) => set('hmac_secret', e.target.value)}
                />
              </div>
              <div>
                <label htmlFor="in-ts-header">Timestamp header (optional)</label>
                <input
                  id="in-ts-header"
                  type="text"
                  value={form.timestamp_header_name}
                  onChange={(e) => set('timestamp_header_name', e.target.value)}
                />
              </div>
              <div>
                <label htmlFor="in-ts-ttl">Timestamp tolerance (s)</label>
                <input
                  id="in-ts-ttl"
                  type="number"
                  min={1}
                  value={form.timestamp_ttl_seconds}
                  onChange={(e) => set('timestamp_ttl_seconds', e.target.value)}
                />
              </div>
            </div>
          )}
          <br />
          <label className="inline">
            <input
              type="checkbox"
              checked={form.verify_ip_allowlist}
              onChange={(e) => set('verify_ip_allowlist', e.target.checked)}
            />{' '}
            IP allowlist
          </label>
          {form.verify_ip_allowlist && (
            <>
              <label htmlFor="in-cidrs">Allowed CIDRs (one per line)</label>
              <textarea
                id="in-cidrs"
                value={form.allowed_cidrs}
                onChange={(e) => set('allowed_cidrs', e.target.value)}
              />
            </>
          )}
        </fieldset>
        <label htmlFor="in-idem">Idempotency headers (in order, one per line)</label>
        <textarea
          id="in-idem"
          value={form.idempotency_header_names}
          onChange={(e) => set('idempotency_header_names', e.target.value)}
        />
        <label htmlFor="in-code">Response code to the provider</label>
        <input
          id="in-code"
          type="number"
          min={200}
          max={299}
          value={form.ingest_response_code}
          onChange={(e) => set('ingest_response_code', e.target.value)}
        />
        {save.error && (
          <p role="alert" className="error">
            {save.error.message}
          </p>
        )}
        <div className="actions">
          <button type="submit" disabled={save.isPending}>
            {id ? 'Save' : 'Create inbound endpoint'}
          </button>
        </div>
      </form>
      {created && (
        <Modal title="Inbound endpoint created" onClose={() => navigate(`/inbound/endpoints/${created.id}`)}>
          <p>Give providers this ingest URL. It contains a secret token: treat it like a password.</p>
          <code className="secret" data-testid="ingest-url">
            {created.url}
          </code>
          {created.secret && (
            <>
              <p>Signing secret for forwarded deliveries (shown only now):</p>
              <code className="secret" data-testid="secret">
                {created.secret}
              </code>
            </>
          )}
        </Modal>
      )}
    </section>
  );
}
