import type { Scenario } from '../scenario';
import { shell, text, tools, writeFile } from './steps';

/**
 * Markup where a viewer might render it: in a note the agent writes (a memory
 * file), in a shell command and its output, and in the model's final text.
 * Everything shown of the run must read as the text below; nothing of it may
 * run or become a link. The replay's hostile-text tests use this scenario.
 */
export const HOSTILE_MARKUP = [
  '<img src=x onerror="window.__ncPwned=(window.__ncPwned||0)+1">',
  '</script><script>window.__ncPwned=(window.__ncPwned||0)+1</script>',
  '[open me](javascript:window.__ncPwned=1)',
];

export const hostileText: Scenario = {
  name: 'hostile-text',
  description: 'Writes a note, runs a command and answers with markup (<img onerror>, </script>, javascript: links) that must be shown as text.',
  reply(ctx) {
    const c = ctx.conversation;
    switch (c.stepsThisTurn()) {
      case 0:
        return tools(writeFile(c, 'notes/hostile.md', `# Notes\n\n${HOSTILE_MARKUP.join('\n')}\n`));
      case 1:
        return tools(shell(c, `printf '%s\\n' ${HOSTILE_MARKUP.map((m) => `'${m.replace(/'/g, `'\\''`)}'`).join(' ')}`));
      default:
        return text(`Done. ${HOSTILE_MARKUP.join(' ')}`);
    }
  },
};
