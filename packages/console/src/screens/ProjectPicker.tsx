import { useQuery } from '@tanstack/react-query';
import { request } from '../api/http';
import { useSession } from '../session';

interface Project {
  id: string;
  name: string;
  status: string;
  created_at: string;
}

/** The admin token acts for any project: the admin picks one, sent as X-Project-Id from then on. */
export function ProjectPicker() {
  const { chooseProject, signOut } = useSession();
  const projects = useQuery({
    queryKey: ['projects'],
    queryFn: async () => (await request<Project[]>('GET', '/v1/projects')).data,
  });
  return (
    <main className="sign-in">
      <section aria-labelledby="pick-title">
        <h1 id="pick-title">Choose a project</h1>
        {projects.isPending && <p>Loading…</p>}
        {projects.error && <p role="alert">{projects.error.message}</p>}
        <ul className="plain">
          {projects.data?.map((project) => (
            <li key={project.id}>
              <button type="button" className="link" onClick={() => chooseProject(project.id)}>
                {project.name}
              </button>{' '}
              <code className="muted">{project.id}</code>
            </li>
          ))}
        </ul>
        <button type="button" className="secondary" onClick={() => void signOut()}>
          Sign out
        </button>
      </section>
    </main>
  );
}
