import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { SigningKey } from '../api/types';
import { formatTime } from './format';
import { SecretModal } from './Modal';

interface KeyApi {
  signingKeys(id: string): Promise<SigningKey[]>;
  addSigningKey(id: string): Promise<{ id: string; signing_secret: string }>;
  deleteSigningKey(id: string, keyId: string): Promise<unknown>;
}

/** Rotation: add a key (both sign), update the receiver, delete the old one. At most two at a time. */
export function SigningKeys({ endpointId, api }: { endpointId: string; api: KeyApi }) {
  const queryClient = useQueryClient();
  const key = ['signing-keys', endpointId];
  const keys = useQuery({ queryKey: key, queryFn: () => api.signingKeys(endpointId) });
  const [secret, setSecret] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () => api.addSigningKey(endpointId),
    onSuccess: (created) => {
      setSecret(created.signing_secret);
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const remove = useMutation({
    mutationFn: (keyId: string) => api.deleteSigningKey(endpointId, keyId),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }),
  });
  return (
    <div className="panel">
      <h2 style={{ marginTop: 0 }}>Signing keys</h2>
      <ul className="plain" aria-label="Signing keys">
        {keys.data?.map((k) => (
          <li key={k.id} data-testid="signing-key">
            <code>…{k.key_hint}</code> <span className="muted">added {formatTime(k.created_at)}</span>{' '}
            <button
              type="button"
              className="secondary"
              onClick={() => remove.mutate(k.id)}
              disabled={remove.isPending || (keys.data?.length ?? 0) < 2}
              title={(keys.data?.length ?? 0) < 2 ? 'The last key cannot be deleted' : undefined}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
      <button
        type="button"
        onClick={() => add.mutate()}
        disabled={add.isPending || (keys.data?.length ?? 0) >= 2}
      >
        Add signing key
      </button>
      {(add.error || remove.error) && <p className="error">{(add.error ?? remove.error)!.message}</p>}
      {secret && (
        <SecretModal
          title="New signing key"
          note="Shown only now. Both keys sign deliveries until you delete the old one."
          secret={secret}
          onClose={() => setSecret(null)}
        />
      )}
    </div>
  );
}
