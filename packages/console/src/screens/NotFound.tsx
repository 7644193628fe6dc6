import { Link } from 'react-router';

export default function NotFound() {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        This page does not exist. <Link to="/">Back to the overview</Link>
      </p>
    </section>
  );
}
