import type { IToken } from "chevrotain";
import type * as A from "./ast.js";
import type { FileModel, LeaddefSymbol } from "./model.js";
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

/**
 * Where a file version's symbols find their documentation: the comments are looked up only when
 * a symbol's documentation is asked for (hover, completion, the IR). Building every symbol's
 * documentation on each keystroke was a sixth of the language server's time per keystroke in a
 * 5,000-line file, nearly all for documentation no one read. One per file version, shared by its
 * symbols (a symbol kept from version to version is given the new version's).
 */
export class DocSource {
  // Private: a symbol holds this, and its file's model holds the symbol (no cycle for JSON or equality).
  readonly #model: Pick<FileModel, "comments" | "tokens" | "lines">;
  #comments: DocComments | undefined;

  constructor(model: Pick<FileModel, "comments" | "tokens" | "lines">) {
    this.#model = model;
  }

  /** The documentation comment directly above `node`, a node of this version of the file. */
  above(node: A.Node): string | undefined {
    this.#comments ??= new DocComments(this.#model.comments, this.#model.tokens);
    return this.#comments.above(this.#model.lines.position(node.span.start).line + 1);
  }
}

/** A symbol's documentation comment: the run of whole-line `#` comments directly above its declaration. */
export function docOf(symbol: LeaddefSymbol): string | undefined {
  return symbol.docs.above(symbol.decl);
}
