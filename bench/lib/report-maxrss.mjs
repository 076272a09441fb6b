// Preload (`node --import=bench/lib/report-maxrss.mjs ...`) used by bench/run.mjs when GNU time is
// not installed: prints the process's own peak RSS (KiB) to stderr on exit.
process.on('exit', () => process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\n`));
