// Preloaded into a pack started with ANALYZER_PACK_CPU_PROF_DIR: exit normally on SIGTERM, so that
// node's --cpu-prof writes its profile (a signal-terminated process writes none).
process.on("SIGTERM", () => process.exit(0));
