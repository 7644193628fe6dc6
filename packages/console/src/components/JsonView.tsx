import { useState } from 'react';
import { CopyButton } from './Modal';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function Node({ name, value, depth }: { name?: string; value: Json; depth: number }) {
  const [open, setOpen] = useState(depth < 2);
  const label = name !== undefined ? <span className="json-key">{JSON.stringify(name)}: </span> : null;
  if (value === null || typeof value !== 'object') {
    return (
      <div>
        {label}
        <span>{JSON.stringify(value)}</span>
      </div>
    );
  }
  const entries: Array<[string | undefined, Json]> = Array.isArray(value)
    ? value.map((item) => [undefined, item])
    : Object.entries(value);
  const [start, end] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return (
    <div>
      <button type="button" className="json-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? '▾' : '▸'}
      </button>
      {label}
      {start}
      {open ? (
        <div className="json-node">
          {entries.map(([key, child], index) => (
            <Node key={key ?? index} name={key} value={child} depth={depth + 1} />
          ))}
        </div>
      ) : (
        <span className="muted"> {entries.length} items </span>
      )}
      {end}
    </div>
  );
}

/** A payload as a collapsible tree when it is JSON, with a raw view and a copy button. */
export function JsonView({ text }: { text: string }) {
  let parsed: { ok: true; value: Json } | { ok: false } = { ok: false };
  try {
    parsed = { ok: true, value: JSON.parse(text) as Json };
  } catch {}
  const [raw, setRaw] = useState(!parsed.ok);
  return (
    <div>
      <div className="actions">
        {parsed.ok && (
          <label className="inline">
            <input type="checkbox" checked={raw} onChange={(event) => setRaw(event.target.checked)} /> Raw
          </label>
        )}
        <CopyButton text={text} label="Copy payload" />
      </div>
      {raw || !parsed.ok ? (
        <pre data-testid="payload-raw">{text}</pre>
      ) : (
        <pre data-testid="payload-tree">
          <Node value={parsed.value} depth={0} />
        </pre>
      )}
    </div>
  );
}
