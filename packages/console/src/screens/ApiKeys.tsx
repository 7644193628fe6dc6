import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { apiKeys } from '../api/resources';
import { formatTime } from '../components/format';
import { SecretModal } from '../components/Modal';
import { useSession } from '../session';

export default function ApiKeys() {
  const queryClient = useQueryClient();
  const { session } = useSession();
  const list = useQuery({ queryKey: ['api-keys'], queryFn: apiKeys.list });
  const [label, setLabel] = useState('');
  const [mode, setMode] = useState<'live' | 'test'>('live');
  const [shown, setShown] = useState<string | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['api-keys'] });
  const create = useMutation({
    mutationFn: () => apiKeys.create({ mode, ...(label.trim() ? { label: label.trim() } : {}) }),
    onSuccess: (created) => {
      setShown(created.key);
      setLabel('');
      refresh();
    },
  });
  const remove = useMutation({ mutationFn: (id: string) => apiKeys.remove(id), onSuccess: refresh });
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  return (
    <section>
      <h1>API keys</h1>
      <form className="toolbar" onSubmit={submit} aria-label="New API key">
        <div>
          <label htmlFor="k-label">Label</label>
          <input
            id="k-label"
            type="text"
            maxLength={255}
            value={label}
            onChange={(e) => setLabel(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="k-mode">Mode</label>
          <select id="k-mode" value={mode} onChange={(e) => setMode(e.target.value as 'live' | 'test')}>
            <option value="live">live</option>
            <option value="test">test</option>
          </select>
        </div>
        <button type="submit" disabled={create.isPending}>
          Create key
        </button>
      </form>
      {(create.error || remove.error) && (
        <p role="alert" className="error">
          {(create.error ?? remove.error)!.message}
        </p>
      )}
      <div className="table-wrap">
        <table aria-label="API keys">
          <thead>
            <tr>
              <th>Label</th>
              <th>Prefix</th>
              <th>Created</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data?.map((key) => (
              <tr key={key.key_id} data-testid="api-key-row">
                <td>
                  {key.label ?? <span className="muted">no label</span>}
                  {key.key_id === session?.key_id && <span className="badge ok"> this session</span>}
                </td>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td>{formatTime(key.created_at)}</td>
                <td>{formatTime(key.last_used_at)}</td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => {
                      const own = key.key_id === session?.key_id;
                      if (
                        confirm(
                          own
                            ? 'Delete the key this session signed in with? You will be signed out.'
                            : 'Delete this key? It stops working at once.',
                        )
                      ) {
                        remove.mutate(key.key_id);
                      }
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shown && (
        <SecretModal
          title="API key created"
          note="Copy it now: the server keeps only its hash and will never show it again."
          secret={shown}
          onClose={() => setShown(null)}
        />
      )}
    </section>
  );
}
