#!/usr/bin/env node
// Runs the one build (`tsc -b tsconfig.build.json`) only when a source is newer than the last
// build, so `npm run <tool>` always runs current JavaScript and costs ~30 ms when nothing changed
// (tsc's own up-to-date check takes ~1.5 s: it loads the compiler). See
// docs/decisions/0110-compiled-build.md. Plain CommonJS on purpose: it runs before anything is built.
"use strict";
const { spawnSync } = require("node:child_process");
const { readdirSync, statSync, writeFileSync, mkdirSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..", "..");
const SOURCE_FOLDERS = ["stacks", "components", "policies", "tools"];
const INPUT_FILES = ["tsconfig.json", "tsconfig.build.json", "package.json"];
const STAMP = join(root, "dist", ".built");

function newestInput() {
  let newest = 0;
  const visit = (folder) => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith(".ts") || entry.name.endsWith(".json"))
        newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const folder of SOURCE_FOLDERS) visit(join(root, folder));
  for (const file of INPUT_FILES) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  return newest;
}

function builtAt() {
  try {
    return statSync(STAMP).mtimeMs;
  } catch {
    return -1;
  }
}

/** Builds when stale; returns tsc's exit code (0 when already current). */
function ensureBuilt({ force = false } = {}) {
  if (!force && builtAt() >= newestInput()) return 0;
  const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
  const result = spawnSync(process.execPath, [tsc, "-b", "tsconfig.build.json"], {
    cwd: root,
    stdio: "inherit",
  });
  if (result.status !== 0) return result.status ?? 1;
  mkdirSync(join(root, "dist"), { recursive: true });
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  return 0;
}

module.exports = { ensureBuilt };

if (require.main === module) process.exitCode = ensureBuilt({ force: process.argv.includes("--force") });
