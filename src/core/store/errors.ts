/** The store refused an event because it would break an invariant (e.g. change a sealed branch). Nothing was written. */
export class StoreRefusedError extends Error {
  override name = 'StoreRefusedError';
}

/** Writing to disk failed (full disk, I/O error). The event was not acknowledged; earlier records are intact. */
export class StoreWriteError extends Error {
  override name = 'StoreWriteError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Journal records a reader asked for can no longer be read (the files changed on disk since the store was opened). */
export class StoreDamagedError extends Error {
  override name = 'StoreDamagedError';
}

/** Another live process holds the store's writer lock. */
export class StoreLockedError extends Error {
  override name = 'StoreLockedError';
}

/** The store on disk cannot be used by this version (written by a newer NemoCognition, unreadable folder...). */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

export function describeWriteError(
  err: unknown,
  what: string,
  where: string,
  consequence = 'the event was NOT recorded',
): StoreWriteError {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new StoreWriteError(
      `The disk holding ${where} is full (${code}) while writing ${what}; ${consequence}. ` +
        `Free some space on that disk (e.g. delete old runs' snapshots or other large files) and try again; ` +
        `everything recorded before is intact.`,
      code,
    );
  }
  const msg = err instanceof Error ? err.message : String(err);
  return new StoreWriteError(
    `Could not write ${what} to ${where} (${code ?? 'error'}: ${msg}); ${consequence}. ` +
      `Check that the folder is writable and the disk is healthy; everything recorded before is intact.`,
    code,
  );
}
