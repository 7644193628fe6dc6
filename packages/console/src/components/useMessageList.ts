import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { listMessages, type MessageFilters } from '../api/resources';
import type { Direction, MessageRow } from '../api/types';

const PAGE = 500;
const LIVE_MS = 2_000;

/**
 * Cursor pages that stay put while new messages arrive: loaded pages are never refetched (a keyset
 * cursor would shift them); instead the newest page is polled, rows already shown take its fresher
 * status, and rows newer than the first shown are offered as "N new" until the user shows them.
 */
export function useMessageList(direction: Direction, filters: MessageFilters) {
  const queryClient = useQueryClient();
  const key = ['messages', direction, filters] as const;
  const pages = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => listMessages(direction, filters, pageParam, PAGE),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const head = useQuery({
    queryKey: [...key, 'head'],
    queryFn: () => listMessages(direction, filters, null, 50),
    refetchInterval: LIVE_MS,
  });

  const { rows, fresh } = useMemo(() => {
    const loaded = pages.data?.pages.flatMap((p) => p.rows) ?? [];
    const latest = new Map((head.data?.rows ?? []).map((row) => [row.message_id, row]));
    const merged: MessageRow[] = loaded.map((row) => latest.get(row.message_id) ?? row);
    const known = new Set(loaded.map((row) => row.message_id));
    const newest = loaded[0];
    const fresh = (head.data?.rows ?? []).filter(
      (row) => !known.has(row.message_id) && (!newest || row.message_id > newest.message_id),
    );
    return { rows: merged, fresh };
  }, [pages.data, head.data]);

  return {
    rows,
    fresh,
    isPending: pages.isPending,
    error: pages.error,
    hasMore: pages.hasNextPage,
    loadMore: () => {
      if (pages.hasNextPage && !pages.isFetchingNextPage) void pages.fetchNextPage();
    },
    showFresh: () => void queryClient.resetQueries({ queryKey: key, exact: true }),
  };
}
