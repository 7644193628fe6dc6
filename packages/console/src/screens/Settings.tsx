import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { projects } from '../api/resources';
import { formatTime } from '../components/format';
import { useSession } from '../session';

/** Project settings. Changing them takes the admin token, as in the API; a key session sees them read-only. */
export default function Settings() {
  const { session, projectId } = useSession();
  const project = useQuery({
    queryKey: ['project', projectId],
    queryFn: () => projects.get(projectId!),
    enabled: Boolean(projectId),
  });
  const admin = session?.kind === 'admin';
  return (
    <section>
      <h1>Settings</h1>
      {project.error && <p className="error">{project.error.message}</p>}
      {/* The fields start from the loaded project: editable before it arrived, the answer overwrote what
          was typed meanwhile. Keyed by project, so a refetch after saving keeps the fields as they are. */}
      <SettingsForm
        key={project.data ? projectId : 'loading'}
        project={project.data}
        projectId={projectId}
        admin={admin}
        signedInWith={admin ? 'the admin token' : `an API key (${session?.mode})`}
      />
    </section>
  );
}

type Project = Awaited<ReturnType<typeof projects.get>>;

function SettingsForm(props: {
  project: Project | undefined;
  projectId: string | null | undefined;
  admin: boolean;
  signedInWith: string;
}) {
  const { project, projectId, admin } = props;
  const queryClient = useQueryClient();
  const [name, setName] = useState(project?.name ?? '');
  const [rate, setRate] = useState(String(project?.rate_limit_default ?? 1000));
  const editable = admin && project !== undefined;
  const save = useMutation({
    mutationFn: () => projects.update(projectId!, { name: name.trim(), rate_limit_default: Number(rate) }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['project', projectId] }),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }
  return (
    <form className="form panel" onSubmit={submit}>
      <dl className="facts">
        <dt>Project ID</dt>
        <dd>
          <code>{projectId}</code>
        </dd>
        <dt>Created</dt>
        <dd>{formatTime(project?.created_at)}</dd>
        <dt>Signed in with</dt>
        <dd>{props.signedInWith}</dd>
      </dl>
      <label htmlFor="s-name">Name</label>
      <input
        id="s-name"
        type="text"
        value={name}
        disabled={!editable}
        onChange={(e) => setName(e.target.value)}
      />
      <label htmlFor="s-rate">API requests per minute</label>
      <input
        id="s-rate"
        type="number"
        min={1}
        value={rate}
        disabled={!editable}
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
          <button type="submit" disabled={!editable || save.isPending}>
            Save
          </button>
        </div>
      )}
    </form>
  );
}
