import { useQuery } from '@tanstack/react-query';
import { endpoints, inboundEndpoints } from '../api/resources';
import type { Direction } from '../api/types';

/** The project's endpoints of one direction, for filters (first 100; the list is cursor-paged). */
export function useEndpointOptions(direction: Direction) {
  return useQuery({
    queryKey: ['endpoint-options', direction],
    queryFn: async () => {
      if (direction === 'outbound') {
        return (await endpoints.list(null)).rows.map((e) => ({ id: e.id, label: e.description || e.url }));
      }
      return (await inboundEndpoints.list(null)).rows.map((e) => ({ id: e.id, label: e.name || e.url }));
    },
    staleTime: 30_000,
  });
}

export function EndpointSelect({
  direction,
  value,
  onChange,
  id,
}: {
  direction: Direction;
  value: string;
  onChange(value: string): void;
  id: string;
}) {
  const options = useEndpointOptions(direction);
  return (
    <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
      <option value="">All endpoints</option>
      {options.data?.map((option) => (
        <option key={option.id} value={option.id}>
          {option.label}
        </option>
      ))}
    </select>
  );
}
