import type { IToken } from "chevrotain";
import { firstTokenAtOrAfter } from "./tokens.js";

/**
 * Documentation comments: the run of whole-line `#` comments directly above a declaration
 * (no blank line between). Built once per file, then looked up by a declaration's first line.
 */
export class DocComments {
  /** The comments alone on their line, by line; their text is taken when asked for. */
  private readonly ownLine = new Map<number, IToken>();

  constructor(comments: IToken[], tokens: IToken[]) {
    for (const c of comments) {
      // A comment runs to the end of its line, so only a token before it can share its line:
      // the one just before it (both lists are in offset order). Built on every keystroke in
      // the editor, hence no set of every token's line.
      const before = tokens[firstTokenAtOrAfter(tokens, c.startOffset) - 1];
      if (before?.startLine !== c.startLine) this.ownLine.set(c.startLine!, c);
    }
  }

  /** `line` is chevrotain's 1-based line of the declaration's first token. */
  above(line: number): string | undefined {
    const lines: string[] = [];
    for (let l = line - 1; this.ownLine.has(l); l--) lines.unshift(this.ownLine.get(l)!.image.replace(/^#\s?/, "").trimEnd());
    return lines.length ? lines.join("\n") : undefined;
  }
}
