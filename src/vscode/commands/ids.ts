/** Every command id the extension registers (the package.json test checks both directions). */
export const COMMANDS = {
  runSupervisedAgent: 'nemocognition.runSupervisedAgent',
  cancelRun: 'nemocognition.cancelRun',
  openReplay: 'nemocognition.openReplay',
  restoreNode: 'nemocognition.restoreNode',
  restoreBranch: 'nemocognition.restoreBranch',
  undoRestore: 'nemocognition.undoRestore',
  openSnapshotDiff: 'nemocognition.openSnapshotDiff',
  toggleGutterMarkers: 'nemocognition.toggleGutterMarkers',
  setApiKey: 'nemocognition.setApiKey',
  clearApiKey: 'nemocognition.clearApiKey',
  showOutput: 'nemocognition.showOutput',
  revealStep: 'nemocognition.revealStep',
  installAgentRuntime: 'nemocognition.installAgentRuntime',
  checkSetup: 'nemocognition.checkSetup',
  forkFromNode: 'nemocognition.forkFromNode',
  exportStoryboard: 'nemocognition.exportStoryboard',
  renderVideo: 'nemocognition.renderVideo',
  exportHtml: 'nemocognition.exportHtml',
  phoenixMirrorMenu: 'nemocognition.phoenixMirrorMenu',
  retryPhoenixMirror: 'nemocognition.retryPhoenixMirror',
  openRunInPhoenix: 'nemocognition.openRunInPhoenix',
  /** Arguments: { nodeId } | { branchId } | { runId, view?: 'trace' | 'session' } (the Replay inspector's "Open in Phoenix"). */
  openInPhoenix: 'nemocognition.openInPhoenix',
  togglePhoenixMirror: 'nemocognition.togglePhoenixMirror',
  setPhoenixApiKey: 'nemocognition.setPhoenixApiKey',
  clearPhoenixApiKey: 'nemocognition.clearPhoenixApiKey',
  checkPhoenix: 'nemocognition.checkPhoenix',
  chooseGutterBranch: 'nemocognition.chooseGutterBranch',
} as const;

/** "NemoCognition: Check Setup" (nemocog doctor), registered by the setup check; the Replay view's empty state links to it. */
export const CHECK_SETUP_COMMAND = 'nemocognition.checkSetup';

export const REPLAY_VIEW_ID = 'nemocognition.replay';

export const CONTEXT_KEYS = {
  running: 'nemocognition.running',
  canUndoRestore: 'nemocognition.canUndoRestore',
  hasStore: 'nemocognition.hasStore',
} as const;
