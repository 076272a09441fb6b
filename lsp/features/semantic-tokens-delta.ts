/**
 * `textDocument/semanticTokens/full/delta`: the change from the tokens the client has to the
 * current ones, as edits of the encoded integer array. The encoding is relative (each token's
 * line and character from the previous token's), so a keystroke changes only the integers of the
 * tokens on its own line and the first token after them: one edit of a few integers replaces
 * re-sending the whole file's (tens of thousands on a large definition).
 */

/** One LSP semantic-tokens edit: at `start`, remove `deleteCount` integers and insert `data`. */
export interface SemanticTokensEdit {
  start: number;
  deleteCount: number;
  data: number[];
}

/**
 * The edits that turn `previous` into `next`: none when equal, else one covering what lies
 * between their common beginning and common end (whole tokens of five integers, as clients
 * apply them to the array as is and some check token boundaries).
 */
export function semanticTokensEdits(previous: ArrayLike<number>, next: ArrayLike<number>): SemanticTokensEdit[] {
  const shorter = Math.min(previous.length, next.length);
  let prefix = 0;
  while (prefix < shorter && previous[prefix] === next[prefix]) prefix++;
  if (prefix === previous.length && prefix === next.length) return [];
  prefix -= prefix % 5;
  let suffix = 0;
  while (suffix < shorter - prefix && previous[previous.length - 1 - suffix] === next[next.length - 1 - suffix]) suffix++;
  suffix -= suffix % 5;
  return [{ start: prefix, deleteCount: previous.length - prefix - suffix, data: Array.prototype.slice.call(next, prefix, next.length - suffix) as number[] }];
}
