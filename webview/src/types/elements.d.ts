/**
 * JSX typings for the @vscode-elements web components this app uses.
 * Only the attributes we set are declared.
 */
import type { JSX } from 'preact';

type El<T = {}> = JSX.HTMLAttributes<HTMLElement> & T;

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements {
      'vscode-button': El<{ secondary?: boolean; disabled?: boolean; icon?: string; appearance?: string }>;
      'vscode-badge': El<{ variant?: 'default' | 'counter' | 'activity-bar-counter' | 'tab-header-counter' }>;
      'vscode-tabs': El<{ 'selected-index'?: number; panel?: boolean }>;
      'vscode-tab-header': El<{ slot?: string }>;
      'vscode-tab-panel': El;
      'vscode-divider': El;
      'vscode-progress-ring': El;
    }
  }
}
