/**
 * A failure the operator can fix: the command line prints its message as one line (no stack trace), and
 * the message ends with what to do next.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}
