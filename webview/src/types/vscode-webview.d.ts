/** The API VS Code (and code-server) injects into webviews. */
interface VsCodeWebviewApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeWebviewApi;

interface Window {
  /** Read by Lit when it must fall back to <style> elements under our CSP. */
  litNonce?: string;
}
