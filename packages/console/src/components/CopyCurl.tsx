import { useMutation } from '@tanstack/react-query';
import { getDelivery } from '../api/resources';
import type { Direction } from '../api/types';
import { curlFor } from './curl';

/**
 * "Copy as curl": asks the server for the request a delivery would make now (signed with the endpoint's
 * current keys and a fresh timestamp) at the moment of the click, so the command verifies at the receiver
 * for as long as its timestamp tolerance allows (5 minutes by default).
 */
export function CopyCurlButton({ direction, messageId }: { direction: Direction; messageId: string }) {
  const copy = useMutation({
    mutationFn: async () => {
      const command = curlFor(await getDelivery(direction, messageId));
      await navigator.clipboard.writeText(command);
      return new Date();
    },
  });
  return (
    <>
      <button type="button" className="secondary" onClick={() => copy.mutate()} disabled={copy.isPending}>
        Copy as curl
      </button>
      {copy.isSuccess && (
        <span role="status" className="muted" data-testid="curl-copied">
          Copied, signed at {copy.data.toLocaleTimeString()}: run it within 5 minutes.
        </span>
      )}
      {copy.isError && (
        <span role="alert" className="error">
          {copy.error.message}
        </span>
      )}
    </>
  );
}
