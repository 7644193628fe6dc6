import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, type ReactNode, useEffect, useRef } from 'react';

export interface Column<T> {
  header: string;
  /** A CSS grid track, e.g. `2fr` or `8rem`. */
  width: string;
  render(row: T): ReactNode;
}

const ROW_HEIGHT = 40;

/**
 * Only the rows in view (plus a few) are in the DOM, so ten thousand rows scroll like ten. Rows are
 * focusable: arrow keys move between them, Enter opens one. Scrolling near the end asks for the next page.
 */
export function VirtualTable<T>({
  rows,
  columns,
  rowKey,
  onOpen,
  onEndReached,
  label,
  empty = 'Nothing here yet.',
}: {
  rows: T[];
  columns: Column<T>[];
  rowKey(row: T): string;
  onOpen?(row: T): void;
  onEndReached?(): void;
  label: string;
  empty?: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];
  useEffect(() => {
    if (last && last.index >= rows.length - 20) onEndReached?.();
  }, [last, rows.length, onEndReached]);

  const template = columns.map((column) => column.width).join(' ');

  function onKeyDown(event: KeyboardEvent<HTMLTableRowElement>, index: number) {
    const row = rows[index];
    if (event.key === 'Enter' && row) onOpen?.(row);
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const next = Math.max(0, Math.min(rows.length - 1, index + (event.key === 'ArrowDown' ? 1 : -1)));
    virtualizer.scrollToIndex(next);
    const find = () => scrollRef.current?.querySelector<HTMLElement>(`tr[data-index="${next}"]`);
    // Focus at once when the row is rendered (overscan keeps neighbours in the DOM), so fast key repeats
    // each move one row; otherwise after the virtualiser has rendered it.
    const target = find();
    if (target) target.focus({ preventScroll: true });
    else requestAnimationFrame(() => find()?.focus({ preventScroll: true }));
  }

  return (
    <div className="vtable" ref={scrollRef}>
      <table aria-label={label} aria-rowcount={rows.length + 1} style={{ display: 'grid' }}>
        <thead className="vhead">
          <tr className="vrow" style={{ gridTemplateColumns: template, height: ROW_HEIGHT }}>
            {columns.map((column) => (
              <th key={column.header} className="cell">
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody style={{ display: 'grid', height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows[item.index]!;
            return (
              <tr
                key={rowKey(row)}
                tabIndex={0}
                data-index={item.index}
                aria-rowindex={item.index + 2}
                className="vrow"
                onClick={() => onOpen?.(row)}
                onKeyDown={(event) => onKeyDown(event, item.index)}
                style={{
                  gridTemplateColumns: template,
                  height: ROW_HEIGHT,
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  transform: `translateY(${item.start}px)`,
                  cursor: onOpen ? 'pointer' : 'default',
                }}
              >
                {columns.map((column) => (
                  <td key={column.header} className="cell">
                    {column.render(row)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      {rows.length === 0 && (
        <p className="muted" style={{ padding: '1rem' }}>
          {empty}
        </p>
      )}
    </div>
  );
}
