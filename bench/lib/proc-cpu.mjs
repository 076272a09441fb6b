// CPU time of other processes from /proc (Linux only), for the real-editor bench: the language
// server, the extension host and Chromium's renderer are separate processes it cannot time itself.
import { readdirSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

let ticksPerSecond;
function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Every process now: pid, parent pid, process group, command line, and user+system CPU in ms. */
export function listProcesses() {
  const out = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // The command name (field 2) is in parentheses and may hold spaces: split after its ')'.
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").join(" ").trim();
      out.push({
        pid: Number(name),
        ppid: Number(rest[1]),
        pgrp: Number(rest[2]),
        cmdline,
        cpuMs: ((Number(rest[11]) + Number(rest[12])) * 1000) / clockTicks(),
      });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** The pids of `rootPid` and all its descendants, from one `listProcesses()` snapshot. */
export function descendants(processes, rootPid) {
  const children = new Map();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const found = new Set([rootPid]);
  const todo = [rootPid];
  while (todo.length) for (const c of children.get(todo.pop()) ?? []) if (!found.has(c)) found.add(c), todo.push(c);
  return found;
}

/** Sum of the CPU ms of the given pids right now (processes that have ended count as 0). */
export function cpuOf(pids) {
  let ms = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ms += ((Number(rest[11]) + Number(rest[12])) * 1000) / clockTicks();
    } catch {
      // ended
    }
  }
  return ms;
}
