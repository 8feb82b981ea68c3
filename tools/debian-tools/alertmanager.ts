import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { debianToolPath, ensureDebianTool } from "./fetch";

/**
 * Debian builds Alertmanager to read its default notification templates from the absolute path
 * /usr/share/prometheus/alertmanager, which exists only after a root install. Unpacked without
 * one, the binary is relocated: that path is rewritten, byte for byte and at the same length, to
 * the relative `usr/share/prometheus//alertmanager`, and the binary is started with the unpacked
 * package as its working directory (see docs/decisions/0092-debian-tools-without-root.md).
 */
const DEBIAN_DATA_DIR = "/usr/share/prometheus/alertmanager";
const RELATIVE_DATA_DIR = "usr/share/prometheus//alertmanager";

export interface AlertmanagerCommand {
  /** The relocated binary. */
  binary: string;
  /** Working directory to start it in (absolute paths everywhere else). */
  cwd: string;
}

export async function ensureAlertmanager(): Promise<AlertmanagerCommand> {
  const original = await ensureDebianTool("prometheus-alertmanager", "prometheus-alertmanager");
  const cwd = path.resolve(path.dirname(original), "../..");
  const binary = debianToolPath("prometheus-alertmanager", "alertmanager-relocated");
  if (!existsSync(binary)) {
    const bytes = readFileSync(original);
    const from = Buffer.from(DEBIAN_DATA_DIR);
    const to = Buffer.from(RELATIVE_DATA_DIR);
    let replaced = 0;
    for (let index = bytes.indexOf(from); index !== -1; index = bytes.indexOf(from, index + to.length)) {
      to.copy(bytes, index);
      replaced++;
    }
    if (replaced === 0) throw new Error(`${original}: no ${DEBIAN_DATA_DIR} to relocate`);
    const temporary = `${binary}.${process.pid}`;
    writeFileSync(temporary, bytes);
    chmodSync(temporary, 0o755);
    renameSync(temporary, binary);
  }
  return { binary, cwd };
}
