// A sampling CPU profile of the workbench page's main thread over the DevTools protocol, for
// bench/vscode-typing.mjs --profile: which functions the renderer spends its time in while typing.
// The profiler slows the page, so a profiled run's latencies are not the bench's numbers.

/** Starts profiling `page` (1 ms sampling); resolves with `stop()`, which resolves with the profile. */
export async function startRendererProfile(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 1000 });
  await cdp.send("Profiler.start");
  return async () => {
    const { profile } = await cdp.send("Profiler.stop");
    await cdp.detach().catch(() => undefined);
    return profile;
  };
}

/**
 * Self time per function (name and the file it is in) summed over `profiles`, largest first:
 * `[{ fn, ms, share }]`, share of all sampled time including idle.
 */
export function selfTimeByFunction(profiles, top = 15) {
  const byFn = new Map();
  let total = 0;
  for (const p of profiles) {
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    p.samples.forEach((id, i) => {
      const dt = (p.timeDeltas[i] ?? 0) / 1000;
      total += dt;
      const { functionName, url, lineNumber } = nodes.get(id).callFrame;
      const file = url ? url.slice(url.lastIndexOf("/") + 1) : "";
      const key = `${functionName || "(anonymous)"}${file ? ` ${file}:${lineNumber + 1}` : ""}`;
      byFn.set(key, (byFn.get(key) ?? 0) + dt);
    });
  }
  return [...byFn.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, ms]) => ({ fn, ms: Math.round(ms), share: total ? Math.round((ms / total) * 1000) / 10 : 0 }));
}
