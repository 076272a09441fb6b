import type { IToken } from "chevrotain";

/**
 * Documentation comments: the run of whole-line `#` comments directly above a declaration
 * (no blank line between). Built once per file, then looked up by a declaration's first line.
 */
export class DocComments {
  private readonly ownLine = new Map<number, string>();

  constructor(comments: IToken[], tokens: IToken[]) {
    const codeLines = new Set<number>();
    for (const t of tokens) codeLines.add(t.startLine!);
    for (const c of comments) {
      if (!codeLines.has(c.startLine!)) this.ownLine.set(c.startLine!, c.image.replace(/^#\s?/, "").trimEnd());
    }
  }

  /** `line` is chevrotain's 1-based line of the declaration's first token. */
  above(line: number): string | undefined {
    const lines: string[] = [];
    for (let l = line - 1; this.ownLine.has(l); l--) lines.unshift(this.ownLine.get(l)!);
    return lines.length ? lines.join("\n") : undefined;
  }
}
