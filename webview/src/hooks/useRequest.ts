/** A host request whose answer belongs to its inputs: a stale answer (the user moved on) is dropped. */
import { useEffect, useState } from 'preact/hooks';

export interface Requested<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
}

export function useRequest<T>(fn: (() => Promise<T | null>) | null, deps: unknown[]): Requested<T> {
  const [state, setState] = useState<Requested<T>>({ data: null, error: null, loading: false });
  useEffect(() => {
    if (!fn) {
      setState({ data: null, error: null, loading: false });
      return;
    }
    let live = true;
    setState((s) => ({ data: s.data, error: null, loading: true }));
    fn().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (e: Error) => live && setState({ data: null, error: e.message, loading: false }),
    );
    return () => {
      live = false;
    };
  }, deps);
  return state;
}
