/**
 * Imported first by main.tsx: hands the page's CSP nonce to Lit before any
 * web component registers, so that if a browser lacks constructable
 * stylesheets, Lit's fallback <style> tags carry the nonce instead of being
 * blocked. (VS Code's and code-server's Chromium do have them.)
 */
const script = document.querySelector<HTMLScriptElement>('script[nonce]');
if (script?.nonce) window.litNonce = script.nonce;
export {};
