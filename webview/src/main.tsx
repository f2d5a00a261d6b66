/** Entry of the Replay webview (bundled by esbuild.mjs to dist/webview/main.js + main.css). */
import './host/elements';
import './styles/main.css';
import { render } from 'preact';
import { createBridge } from './host/bridge';
import { App } from './components/App';

const root = document.getElementById('root');
if (root) {
  root.textContent = '';
  render(<App bridge={createBridge(acquireVsCodeApi())} />, root);
}
