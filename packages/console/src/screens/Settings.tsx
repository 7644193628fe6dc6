import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { projects } from '../api/resources';
import { formatTime } from '../components/format';
import { useSession } from '../session';

/** Project settings. Changing them takes the admin token, as in the API; a key session sees them read-only. */
export default function Settings() {
  const { session, projectId } = useSession();
  const queryClient = useQueryClient();
  const project = useQuery({
    queryKey: ['project', projectId],
    queryFn: () => projects.get(projectId!),
    enabled: Boolean(projectId),
  });
  const [name, setName] = useState('');
  const [rate, setRate] = useState('1000');
  useEffect(() => {
    if (!project.data) return;
    setName(project.data.name);
    setRate(String(project.data.rate_limit_default));
  }, [project.data]);
  const save = useMutation({
    mutationFn: () => projects.update(projectId!, { name: name.trim(), rate_limit_default: Number(rate) }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['project', projectId] }),
  });
  const admin = session?.kind === 'admin';
  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }
  return (
    <section>
      <h1>Settings</h1>
      {project.error && <p className="error">{project.error.message}</p>}
      <form className="form panel" onSubmit={submit}>
        <dl className="facts">
          <dt>Project ID</dt>
          <dd>
            <code>{projectId}</code>
          </dd>
          <dt>Created</dt>
          <dd>{formatTime(project.data?.created_at)}</dd>
          <dt>Signed in with</dt>
          <dd>{admin ? 'the admin token' : `an API key (${session?.mode})`}</dd>
        </dl>
        <label htmlFor="s-name">Name</label>
        <input
          id="s-name"
          type="text"
          value={name}
          disabled={!admin}
          onChange={(e) => setName(e.target.value)}
        />
        <label htmlFor="s-rate">API requests per minute</label>
        <input
          id="s-rate"
          type="number"
          min={1}
          value={rate}
          disabled={!admin}
          onChange={(e) => setRate(e.target.value)}
        />
        {!admin && (
          <p className="muted small">
            Project settings are changed with the admin token (HOOKBRIDGE_ADMIN_TOKEN).
          </p>
        )}
        {save.error && (
          <p role="alert" className="error">
            {save.error.message}
          </p>
        )}
        {save.isSuccess && <p className="notice">Saved.</p>}
        {admin && (
          <div className="actions">
            <button type="submit" disabled={save.isPending}>
              Save
            </button>
          </div>
        )}
      </form>
    </section>
  );
}
