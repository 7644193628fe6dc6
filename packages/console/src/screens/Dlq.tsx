import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { listDlq, replayAll, replayFromDlq } from '../api/resources';
import type { MessageRow } from '../api/types';
import { formatTime } from '../components/format';
import { type Column, VirtualTable } from '../components/VirtualTable';

/** Dead letters: messages that failed permanently. A DLQ replay has no replay limit. */
export default function Dlq() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const list = useInfiniteQuery({
    queryKey: ['dlq'],
    queryFn: ({ pageParam }) => listDlq(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    refetchInterval: 5_000,
  });
  const done = () => void queryClient.invalidateQueries({ queryKey: ['dlq'] });
  const one = useMutation({ mutationFn: (id: string) => replayFromDlq(id), onSuccess: done });
  const all = useMutation({ mutationFn: () => replayAll('failed_permanent', null), onSuccess: done });
  const rows = list.data?.pages.flatMap((page) => page.rows) ?? [];
  const columns: Column<MessageRow>[] = [
    { header: 'Message', width: '10rem', render: (r) => <code>{r.message_id.slice(0, 13)}…</code> },
    { header: 'Endpoint', width: 'minmax(8rem, 2fr)', render: (r) => r.endpoint },
    { header: 'Attempts', width: '5rem', render: (r) => r.attempt_count },
    {
      header: 'Last error',
      width: 'minmax(8rem, 2fr)',
      render: (r) => <span className="error">{r.last_error ?? ''}</span>,
    },
    { header: 'Created', width: '11rem', render: (r) => formatTime(r.created_at) },
    {
      header: 'Replay',
      width: '6rem',
      render: (r) => (
        <button
          type="button"
          className="secondary"
          onClick={(event) => {
            event.stopPropagation();
            one.mutate(r.message_id);
          }}
        >
          Replay
        </button>
      ),
    },
  ];
  return (
    <section>
      <h1>Dead letters</h1>
      <div className="actions">
        <button
          type="button"
          onClick={() => {
            if (confirm('Replay every dead-lettered message (up to 1000)?')) all.mutate();
          }}
          disabled={all.isPending || rows.length === 0}
        >
          Replay all
        </button>
        {all.data && <span className="notice">Replayed {all.data.replayed}.</span>}
      </div>
      {(list.error || one.error || all.error) && (
        <p className="error">{(list.error ?? one.error ?? all.error)!.message}</p>
      )}
      <VirtualTable
        label="Dead letters"
        rows={rows}
        columns={columns}
        rowKey={(row) => row.message_id}
        onOpen={(row) => navigate(`/messages/${row.message_id}`)}
        onEndReached={() => {
          if (list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
        }}
        empty={
          list.isPending ? 'Loading…' : 'No dead letter. Every message was delivered or is still trying.'
        }
      />
    </section>
  );
}
