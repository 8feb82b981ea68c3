// The escaping lives in the pack (which imports nothing outside `policies/`); the stack config and
// the commands use it from here.
export { isSafeTerminalText, quoteText, terminalLines, terminalText } from "../../policies/lib/terminal-text";
