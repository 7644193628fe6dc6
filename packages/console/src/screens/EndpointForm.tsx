import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { endpoints } from '../api/resources';
import { headersToText, textToHeaders } from '../components/headers-text';
import { SecretModal } from '../components/Modal';

/** Create or edit an outbound endpoint: URL, description, rate limit, custom headers, signing. */
export default function EndpointForm() {
  const { id } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const existing = useQuery({
    queryKey: ['endpoint', id],
    queryFn: () => endpoints.get(id!),
    enabled: Boolean(id),
  });
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [rps, setRps] = useState('0');
  const [burst, setBurst] = useState('0');
  const [headers, setHeaders] = useState('');
  const [hmac, setHmac] = useState(true);
  const [created, setCreated] = useState<{ id: string; secret: string } | null>(null);

  useEffect(() => {
    const e = existing.data;
    if (!e) return;
    setUrl(e.url);
    setDescription(e.description ?? '');
    setRps(String(e.rate_limit_rps));
    setBurst(String(e.burst));
    setHeaders(headersToText(e.headers));
    setHmac(e.hmac_enabled);
  }, [existing.data]);

  const save = useMutation({
    mutationFn: async () => {
      const body = {
        url: url.trim(),
        description: description.trim() || null,
        rate_limit_rps: Number(rps) || 0,
        burst: Number(burst) || 0,
        headers: textToHeaders(headers),
        hmac_enabled: hmac,
      };
      if (id) {
        await endpoints.update(id, body);
        return null;
      }
      return endpoints.create(body);
    },
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: ['endpoints'] });
      void queryClient.invalidateQueries({ queryKey: ['endpoint-options'] });
      if (result) setCreated({ id: result.id, secret: result.signing_secret });
      else {
        void queryClient.invalidateQueries({ queryKey: ['endpoint', id] });
        navigate(`/endpoints/${id}`);
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
        <Link to={id ? `/endpoints/${id}` : '/endpoints'}>← Back</Link>
      </p>
      <h1>{id ? 'Edit endpoint' : 'New endpoint'}</h1>
      <form className="form" onSubmit={submit}>
        <label htmlFor="ep-url">URL</label>
        <input
          id="ep-url"
          type="url"
          required
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://example.com/webhooks"
        />
        <label htmlFor="ep-description">Description</label>
        <input
          id="ep-description"
          type="text"
          maxLength={500}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        <div className="two-col">
          <div>
            <label htmlFor="ep-rps">Rate limit (deliveries per second, 0 = none)</label>
            <input
              id="ep-rps"
              type="number"
              min={0}
              max={1000}
              value={rps}
              onChange={(e) => setRps(e.target.value)}
            />
          </div>
          <div>
            <label htmlFor="ep-burst">Burst</label>
            <input
              id="ep-burst"
              type="number"
              min={0}
              max={10000}
              value={burst}
              onChange={(e) => setBurst(e.target.value)}
            />
          </div>
        </div>
        <label htmlFor="ep-headers">Custom headers (one "Name: value" per line)</label>
        <textarea id="ep-headers" value={headers} onChange={(e) => setHeaders(e.target.value)} />
        <label className="inline">
          <input type="checkbox" checked={hmac} onChange={(e) => setHmac(e.target.checked)} /> Sign deliveries
          (X-Webhook-Signature)
        </label>
        {save.error && (
          <p role="alert" className="error">
            {save.error.message}
          </p>
        )}
        <div className="actions">
          <button type="submit" disabled={save.isPending}>
            {id ? 'Save' : 'Create endpoint'}
          </button>
        </div>
      </form>
      {created && (
        <SecretModal
          title="Endpoint created"
          note="This signing secret is shown only now. Receivers verify X-Webhook-Signature with it."
          secret={created.secret}
          onClose={() => navigate(`/endpoints/${created.id}`)}
        />
      )}
    </section>
  );
}
