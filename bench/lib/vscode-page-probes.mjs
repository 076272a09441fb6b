// What bench/vscode-typing.mjs installs in the VS Code workbench page (through playwright's
// page.evaluate, so these functions run in the browser, not in Node). All times are the page's
// performance.now() clock; a key event's `timeStamp` is on the same clock and is when the
// browser received the key, so queueing behind a busy main thread is included.

/**
 * Installs `window.__typingProbe` on the active editor:
 * - per keydown (capture phase, before VS Code's own handlers): the event's timeStamp, when its
 *   first handler ran, when the text of the editor's lines (.view-lines) next changed, and "painted": the
 *   first task after an animation frame that follows that change. rAF callbacks run just before
 *   the frame's style/layout/paint, so a setTimeout(0) queued from one runs after the frame was
 *   produced: key → painted is the user-visible delay to within the compositor's share;
 * - Chromium's own Event Timing entries for key events (duration = event → next paint, rounded
 *   to 8 ms; Chromium reports only those ≥ 16 ms), as a cross-check;
 * - long tasks (≥ 50 ms on the renderer's main thread): start and duration;
 * - `watchSquiggle(present)`: resolves with the time of the first animation frame at which the
 *   editor shows (or no longer shows) an error squiggle.
 */
export function installTypingProbe() {
  const editor = document.querySelector(".editor-instance .monaco-editor");
  const lines = editor?.querySelector(".view-lines");
  if (!editor || !lines) throw new Error("no editor on screen");
  const probe = { keys: [], eventTiming: [], longTasks: [], recording: false };
  let waitingForText = [];
  new MutationObserver(() => {
    if (waitingForText.length === 0) return;
    // Only a change of the text counts: a recolouring (semantic tokens for the previous key)
    // also mutates .view-lines but does not show the new character.
    const now = performance.now();
    const text = lines.textContent;
    for (const k of waitingForText) if (text !== k.textBefore) k.changedAt = now;
    waitingForText = waitingForText.filter((k) => !k.changedAt);
  }).observe(lines, { subtree: true, childList: true, characterData: true });
  const afterNextFrame = (fn) => requestAnimationFrame(() => setTimeout(fn, 0));
  window.addEventListener(
    "keydown",
    (e) => {
      if (!probe.recording) return;
      const k = { key: e.key, ts: e.timeStamp, handlerAt: performance.now(), changedAt: 0, paintedAt: 0, textBefore: lines.textContent };
      probe.keys.push(k);
      waitingForText.push(k);
      const check = () => {
        if (k.changedAt) k.paintedAt = performance.now();
        else if (performance.now() - k.ts < 10_000) afterNextFrame(check);
      };
      afterNextFrame(check);
    },
    true,
  );
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (probe.recording && (e.name === "keydown" || e.name === "keypress" || e.name === "keyup"))
        probe.eventTiming.push({ name: e.name, start: e.startTime, duration: e.duration });
    }
  }).observe({ type: "event", durationThreshold: 16 });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (probe.recording) probe.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: "longtask" });
  probe.hasSquiggle = () => editor.querySelector(".squiggly-error") !== null;
  probe.watchSquiggle = (present) =>
    new Promise((resolve) => {
      const started = performance.now();
      const look = () => {
        if (probe.hasSquiggle() === present) resolve(performance.now());
        else if (performance.now() - started > 60_000) resolve(NaN);
        else requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    });
  probe.start = () => {
    probe.keys = [];
    probe.eventTiming = [];
    probe.longTasks = [];
    probe.recording = true;
  };
  probe.stop = () => {
    probe.recording = false;
    return { keys: probe.keys.map(({ textBefore: _, ...k }) => k), eventTiming: probe.eventTiming, longTasks: probe.longTasks, now: performance.now() };
  };
  window.__typingProbe = probe;
  return true;
}
