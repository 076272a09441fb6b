/** A definition or input that `diff`/`compare` cannot use (unreadable, unknown format): exit 2 with its message. */
export class DefinitionUsageError extends Error {}
