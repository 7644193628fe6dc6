import { useInfiniteQuery } from '@tanstack/react-query';
import { listRejections } from '../api/resources';
import type { Rejection } from '../api/types';
import { formatTime } from './format';
import { type Column, VirtualTable } from './VirtualTable';

const COLUMNS: Column<Rejection>[] = [
  { header: 'Reason', width: '10rem', render: (r) => <span className="badge fail">{r.reason_code}</span> },
  { header: 'Detail', width: 'minmax(8rem, 2fr)', render: (r) => r.reason_detail ?? '' },
  { header: 'Source', width: '9rem', render: (r) => r.source_ip ?? '—' },
  {
    header: 'Endpoint',
    width: '10rem',
    render: (r) => (
      <code title={r.inbound_endpoint_id ?? ''}>{r.inbound_endpoint_id?.slice(0, 13) ?? '—'}</code>
    ),
  },
  { header: 'Received', width: '11rem', render: (r) => formatTime(r.received_at) },
];

/** Ingests that were refused (bad token, signature, address, size…), newest first, live. */
export function RejectionTable({ endpointId }: { endpointId: string | null }) {
  const list = useInfiniteQuery({
    queryKey: ['rejections', endpointId],
    queryFn: ({ pageParam }) => listRejections(endpointId, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    refetchInterval: 3_000,
  });
  const rows = list.data?.pages.flatMap((page) => page.rows) ?? [];
  return (
    <>
      {list.error && <p className="error">{list.error.message}</p>}
      <VirtualTable
        label="Rejections"
        rows={rows}
        columns={COLUMNS}
        rowKey={(row) => row.id}
        onEndReached={() => {
          if (list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
        }}
        empty={list.isPending ? 'Loading…' : 'No rejected request.'}
      />
    </>
  );
}
