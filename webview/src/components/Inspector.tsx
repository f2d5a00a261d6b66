/**
 * The inspector's tabs for the step at the playhead: Steps (the list), Model,
 * Policy, Audit log, Memory, Files, Narration, Attributes. A WAI-ARIA tablist
 * (←/→/Home/End move between tabs) whose headers wrap in a narrow side bar
 * instead of being cut off. Only the open tab renders: a playhead moving at
 * 8× redraws one pane, not eight.
 */
import type { ComponentChildren } from 'preact';
import { INSPECTOR_TABS, type InspectorTab } from '../../../src/protocol/replay';

export const TAB_LABELS: Record<InspectorTab, string> = {
  steps: 'Steps',
  model: 'Model',
  policy: 'Policy',
  audit: 'Audit log',
  memory: 'Memory',
  files: 'Files',
  narration: 'Narration',
  attributes: 'Attributes',
};

export function InspectorTabs({ tab, onTab, render }: { tab: InspectorTab; onTab(t: InspectorTab): void; render(t: InspectorTab): ComponentChildren }) {
  const move = (e: KeyboardEvent) => {
    const i = INSPECTOR_TABS.indexOf(tab);
    const next =
      e.key === 'ArrowRight' ? INSPECTOR_TABS[(i + 1) % INSPECTOR_TABS.length] : e.key === 'ArrowLeft' ? INSPECTOR_TABS[(i - 1 + INSPECTOR_TABS.length) % INSPECTOR_TABS.length] : e.key === 'Home' ? INSPECTOR_TABS[0] : e.key === 'End' ? INSPECTOR_TABS[INSPECTOR_TABS.length - 1] : undefined;
    if (!next) return;
    e.preventDefault();
    e.stopPropagation();
    onTab(next);
    (e.currentTarget as HTMLElement).querySelector<HTMLElement>(`#nc-tab-${next}`)?.focus();
  };
  return (
    <div class="nc-tabs">
      <div class="nc-tablist" role="tablist" aria-label="Inspector" onKeyDown={move}>
        {INSPECTOR_TABS.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`nc-tab-${t}`}
            class="nc-tab"
            data-tab={t}
            aria-selected={t === tab}
            aria-controls="nc-tabpanel"
            tabIndex={t === tab ? 0 : -1}
            onClick={() => onTab(t)}
          >
            {TAB_LABELS[t]}
          </button>
        ))}
      </div>
      <div class="nc-tabpanel" id="nc-tabpanel" role="tabpanel" aria-labelledby={`nc-tab-${tab}`} data-tab={tab}>
        {render(tab)}
      </div>
    </div>
  );
}
