import { ApiError } from '../api/client.ts';

/** A refused write as FC phrases it: the ErrorCode, then its message. */
export function ActionError({ error }: { error: unknown }) {
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p role="alert" className="rel-error">
      <strong>{code}</strong> {message}
    </p>
  );
}
