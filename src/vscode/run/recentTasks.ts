/** Recently run tasks, newest first, without duplicates (pure). */
export const RECENT_TASKS_KEY = 'nemocognition.recentTasks';
export const MAX_RECENT_TASKS = 10;

export function rememberTask(recent: readonly string[], task: string, max = MAX_RECENT_TASKS): string[] {
  const t = task.trim();
  if (!t) return [...recent];
  return [t, ...recent.filter((r) => r !== t)].slice(0, max);
}

export function readRecent(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '').slice(0, MAX_RECENT_TASKS) : [];
}
