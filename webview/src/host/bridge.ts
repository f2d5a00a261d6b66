/**
 * The webview's side of the protocol: posts typed commands and requests,
 * validates every incoming message, correlates replies by request id, and
 * persists UI state through getState/setState.
 */
import {
  EMPTY_UI_STATE,
  PROTOCOL_VERSION,
  RESULT_GUARDS,
  isHostMessage,
  upgradeUiState,
  type HostMessage,
  type RequestMethod,
  type RequestResults,
  type ReplayUiState,
  type WebviewCommand,
  type WebviewMessage,
  type WebviewRequest,
} from '../../../src/protocol/replay';

type Params<M extends RequestMethod> = Omit<Extract<WebviewRequest, { method: M }>, 'method'>;

interface Pending {
  method: RequestMethod;
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export interface Bridge {
  ready(): void;
  command(c: WebviewCommand): void;
  request<M extends RequestMethod>(method: M, params: Params<M>): Promise<RequestResults[M]>;
  onMessage(handler: (m: Exclude<HostMessage, { kind: 'reply' }>) => void): () => void;
  loadUiState(): ReplayUiState;
  saveUiState(s: ReplayUiState): void;
}

const REQUEST_TIMEOUT_MS = 15_000;

export function createBridge(api: VsCodeWebviewApi, win: Pick<Window, 'addEventListener' | 'removeEventListener'> = window): Bridge {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const handlers = new Set<(m: Exclude<HostMessage, { kind: 'reply' }>) => void>();
  const post = (m: WebviewMessage) => api.postMessage(m);

  win.addEventListener('message', (ev: Event) => {
    const data = (ev as MessageEvent).data;
    if (!isHostMessage(data)) {
      console.warn('NemoCognition replay: ignored a message of unexpected shape');
      return;
    }
    if (data.kind === 'reply') {
      const p = pending.get(data.id);
      if (!p) return;
      pending.delete(data.id);
      clearTimeout(p.timer);
      if (!data.ok) p.reject(new Error(data.error));
      else if (!RESULT_GUARDS[p.method](data.result)) p.reject(new Error(`Reply to ${p.method} has an unexpected shape`));
      else p.resolve(data.result);
      return;
    }
    for (const h of handlers) h(data);
  });

  return {
    ready: () => post({ kind: 'ready', protocolVersion: PROTOCOL_VERSION }),
    command: (command) => post({ kind: 'command', command }),
    request(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${method} timed out`));
        }, REQUEST_TIMEOUT_MS);
        pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
        post({ kind: 'request', id, request: { method, ...params } as unknown as WebviewRequest });
      });
    },
    onMessage(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    loadUiState() {
      return upgradeUiState(api.getState()) ?? EMPTY_UI_STATE;
    },
    saveUiState: (s) => api.setState(s),
  };
}
