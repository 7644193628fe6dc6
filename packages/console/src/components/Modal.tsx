import { type ReactNode, useEffect, useRef } from 'react';

/** A dialog that takes focus, closes on Escape, and gives focus back where it was. */
export function Modal({ title, children, onClose }: { title: string; children: ReactNode; onClose(): void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      previous?.focus();
    };
  }, [onClose]);
  return (
    <div className="modal-backdrop">
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="modal-title"
        tabIndex={-1}
        ref={ref}
      >
        <h2 id="modal-title">{title}</h2>
        {children}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
    </div>
  );
}

/** A secret the server shows only once: displayed here, copyable, and then gone. */
export function SecretModal({
  title,
  secret,
  note,
  onClose,
}: {
  title: string;
  secret: string;
  note: string;
  onClose(): void;
}) {
  return (
    <Modal title={title} onClose={onClose}>
      <p>{note}</p>
      <code className="secret" data-testid="secret">
        {secret}
      </code>
      <div className="actions">
        <CopyButton text={secret} />
      </div>
    </Modal>
  );
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  return (
    <button type="button" className="secondary" onClick={() => void navigator.clipboard?.writeText(text)}>
      {label}
    </button>
  );
}
