import { useQuery } from '@tanstack/react-query';
import { projects as projectsApi } from '../api/resources';
import { useSession } from '../session';

/** The admin token acts for any project: the admin picks one, sent as X-Project-Id from then on. */
export function ProjectPicker() {
  const { chooseProject, signOut } = useSession();
  const projects = useQuery({
    queryKey: ['projects'],
    queryFn: projectsApi.list,
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
