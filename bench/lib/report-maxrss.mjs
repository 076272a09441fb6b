// Preload (`node --import=bench/lib/report-maxrss.mjs ...`) used by bench/run.mjs when GNU time is
// not installed: prints the process's own peak RSS (KiB) and CPU time (s) to stderr on exit.
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`maxRSS=${u.maxRSS} cpu=${(u.userCPUTime + u.systemCPUTime) / 1e6}\n`);
});
