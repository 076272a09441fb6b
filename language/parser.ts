import type { CstNode, IRecognitionException, IToken } from "chevrotain";
import { CstParser } from "./chevrotain.js";
import * as T from "./tokens.js";

/**
 * The grammar, as a chevrotain CST parser with error recovery. It builds a concrete tree only;
 * cst-to-ast.ts turns that into the typed AST. The file is parsed one declaration at a time
 * (see parse.ts), so `declaration` is the entry rule.
 */
class LeaddefCstParser extends CstParser {
  /** Inside a score line, a `+`/`-` that begins a line starts the next weighted line. */
  private inScoreLine = false;

  constructor() {
    super(T.allTokens, {
      recoveryEnabled: true,
      nodeLocationTracking: "onlyOffset",
      maxLookahead: 3,
      // The grammar is fixed and validated by the tests; re-validating it costs every process start.
      skipValidations: process.env.LEADDEF_VALIDATE_GRAMMAR !== "1",
    });
    this.performSelfAnalysis();
  }

  declaration = this.RULE("declaration", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.schemaDecl) },
      { ALT: () => this.SUBRULE(this.criterionDecl) },
      { ALT: () => this.SUBRULE(this.scoreDecl) },
      { ALT: () => this.SUBRULE(this.exampleDecl) },
      // `param` is a word only here (`param NAME =`), so existing names and fields keep working.
      { GATE: () => isParamStart(this.LA(1), this.LA(3)), ALT: () => this.SUBRULE(this.paramDecl) },
      // `outcome` likewise, only as `outcome NAME when`.
      { GATE: () => isOutcomeStart(this.LA(1), this.LA(3)), ALT: () => this.SUBRULE(this.outcomeDecl) },
      // `events NAME {` likewise: a stream of dated events each lead has.
      { GATE: () => isEventsStart(this.LA(1), this.LA(3)), ALT: () => this.SUBRULE(this.eventsDecl) },
      // `grade NAME {` and `disqualify when` likewise: words only at a declaration's start.
      { GATE: () => isGradeStart(this.LA(1), this.LA(3)), ALT: () => this.SUBRULE(this.gradeDecl) },
      { GATE: () => isDisqualifyStart(this.LA(1), this.LA(2)), ALT: () => this.SUBRULE(this.disqualifyDecl) },
      { ALT: () => this.SUBRULE(this.stageDecl) },
    ]);
  });

  paramDecl = this.RULE("paramDecl", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.NameLike);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.exampleValue);
  });

  outcomeDecl = this.RULE("outcomeDecl", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.NameLike);
    this.CONSUME(T.When);
    this.SUBRULE(this.expression);
  });

  eventsDecl = this.RULE("eventsDecl", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.NameLike);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.fieldDecl));
    this.CONSUME(T.RBrace);
  });

  /**
   * A contextual word (`where`, `within`, `days`, …): an Identifier whose text the caller's GATE
   * has checked; the label (`whereWord`, …) keeps each word apart in the CST.
   */
  private word(idx: number, label: string): void {
    this.consume(idx, T.Identifier, { LABEL: label });
  }

  /** `where COND` and `within N days` of a stream query or a `per` score line. */
  private streamFilters(): void {
    this.OPTION1({ GATE: () => isWord(this.LA(1), "where"), DEF: () => { this.word(2, "whereWord"); this.SUBRULE(this.expression, { LABEL: "where" }); } });
    this.OPTION2({
      GATE: () => isWord(this.LA(1), "within"),
      DEF: () => { this.word(3, "withinWord"); this.CONSUME1(T.NumberLiteral, { LABEL: "within" }); this.word(4, "withinDays"); },
    });
  }

  /** `count(S where … within N days)` and `latest(S where …)`. */
  streamQuery = this.RULE("streamQuery", () => {
    this.word(1, "fn");
    this.CONSUME(T.LParen);
    this.CONSUME(T.NameLike, { LABEL: "stream" });
    this.streamFilters();
    this.CONSUME(T.RParen);
  });

  /** `per S [where C] [within N days] [decay R% every D days] [max M]` after a score line's weight. */
  perClause = this.RULE("perClause", () => {
    this.word(1, "perWord");
    this.CONSUME(T.NameLike, { LABEL: "stream" });
    this.streamFilters();
    this.OPTION3({
      GATE: () => isWord(this.LA(1), "decay"),
      DEF: () => {
        this.word(5, "decayWord");
        this.CONSUME2(T.NumberLiteral, { LABEL: "decay" });
        this.CONSUME(T.Percent);
        this.word(6, "everyWord");
        this.CONSUME3(T.NumberLiteral, { LABEL: "every" });
        this.word(7, "everyDays");
      },
    });
    this.OPTION4({
      GATE: () => isWord(this.LA(1), "max"),
      DEF: () => { this.word(8, "maxWord"); this.CONSUME4(T.NumberLiteral, { LABEL: "max" }); },
    });
  });

  gradeDecl = this.RULE("gradeDecl", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.NameLike);
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR({
        IGNORE_AMBIGUITIES: true,
        DEF: [
          // `else L`; a letter named `else` still starts a line (`else when …`).
          { GATE: () => this.LA(1).image === "else" && this.LA(2).tokenType !== T.When, ALT: () => this.SUBRULE(this.gradeElse) },
          { ALT: () => this.SUBRULE(this.gradeLine) },
        ],
      });
    });
    this.CONSUME(T.RBrace);
  });

  gradeLine = this.RULE("gradeLine", () => {
    this.CONSUME(T.NameLike);
    this.CONSUME(T.When);
    this.SUBRULE(this.expression);
  });

  gradeElse = this.RULE("gradeElse", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.NameLike);
  });

  disqualifyDecl = this.RULE("disqualifyDecl", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.When);
    this.SUBRULE(this.expression);
    this.OPTION(() => {
      this.CONSUME(T.Because);
      this.CONSUME(T.StringLiteral);
    });
  });

  importDecl = this.RULE("importDecl", () => {
    this.CONSUME(T.Import);
    this.CONSUME(T.StringLiteral);
  });

  schemaDecl = this.RULE("schemaDecl", () => {
    this.CONSUME(T.Schema);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.fieldDecl));
    this.CONSUME(T.RBrace);
  });

  fieldDecl = this.RULE("fieldDecl", () => {
    this.SUBRULE(this.path);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeRef);
    this.OPTION(() => {
      this.CONSUME(T.From);
      this.CONSUME(T.StringLiteral);
    });
  });

  typeRef = this.RULE("typeRef", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({
        SEP: T.Comma,
        DEF: () => this.OR([
          { ALT: () => this.CONSUME(T.NameLike) },
          { ALT: () => this.CONSUME(T.StringLiteral) },
          { ALT: () => this.CONSUME(T.Ellipsis) },
        ]),
      });
      this.CONSUME(T.RParen);
    });
    this.OPTION2(() => this.CONSUME(T.Question));
  });

  criterionDecl = this.RULE("criterionDecl", () => {
    this.CONSUME(T.Criterion);
    this.CONSUME(T.NameLike);
    this.CONSUME(T.When);
    this.SUBRULE(this.expression);
  });

  scoreDecl = this.RULE("scoreDecl", () => {
    this.CONSUME(T.Score);
    this.CONSUME(T.NameLike);
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.scoreLine) },
        { ALT: () => this.SUBRULE(this.scoreBound) },
      ]);
    });
    this.CONSUME(T.RBrace);
  });

  scoreLine = this.RULE("scoreLine", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
    this.CONSUME(T.NumberLiteral);
    this.inScoreLine = true;
    try {
      this.OR2([
        { ALT: () => { this.CONSUME(T.When); this.SUBRULE(this.expression); } },
        { GATE: () => isWord(this.LA(1), "per"), ALT: () => this.SUBRULE(this.perClause) },
      ]);
    } finally {
      this.inScoreLine = false;
    }
  });

  scoreBound = this.RULE("scoreBound", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Cap) }, { ALT: () => this.CONSUME(T.Floor) }]);
    this.OPTION(() => this.CONSUME(T.Minus));
    this.CONSUME(T.NumberLiteral);
  });

  stageDecl = this.RULE("stageDecl", () => {
    this.CONSUME(T.NameLike);
    this.CONSUME(T.When);
    this.SUBRULE(this.expression);
  });

  exampleDecl = this.RULE("exampleDecl", () => {
    this.CONSUME(T.Example);
    this.CONSUME(T.StringLiteral);
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.exampleAssign) },
        { ALT: () => this.SUBRULE(this.exampleAsOf) },
        { ALT: () => this.SUBRULE(this.expectClause) },
      ]);
    });
    this.CONSUME(T.RBrace);
  });

  exampleAssign = this.RULE("exampleAssign", () => {
    this.SUBRULE(this.path);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.exampleValue);
  });

  exampleValue = this.RULE("exampleValue", () => {
    this.OR([
      { ALT: () => { this.OPTION(() => this.CONSUME(T.Minus)); this.CONSUME(T.NumberLiteral); } },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.DateLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Identifier) },
      // `[{type = email_click, occurred = 2026-11-20}, …]`: a lead's events in an example.
      { GATE: () => this.LA(2).tokenType === T.LBrace, ALT: () => this.SUBRULE(this.eventList) },
      { ALT: () => this.SUBRULE(this.listLiteral) },
    ]);
  });

  eventList = this.RULE("eventList", () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.eventRecord) });
    this.CONSUME(T.RBracket);
  });

  eventRecord = this.RULE("eventRecord", () => {
    this.CONSUME(T.LBrace);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.exampleAssign) });
    this.CONSUME(T.RBrace);
  });

  exampleAsOf = this.RULE("exampleAsOf", () => {
    this.CONSUME(T.As);
    this.CONSUME(T.Of);
    this.CONSUME(T.DateLiteral);
  });

  expectClause = this.RULE("expectClause", () => {
    this.CONSUME(T.Expect);
    this.OR([
      { ALT: () => { this.CONSUME(T.Stage); this.CONSUME(T.NameLike); } },
      {
        ALT: () => {
          this.CONSUME(T.Score);
          this.CONSUME2(T.NameLike);
          this.CONSUME(T.Equals);
          this.OPTION(() => this.CONSUME(T.Minus));
          this.CONSUME(T.NumberLiteral);
        },
      },
      // `expect reason "text"`: `reason` is a word only before a string.
      { GATE: () => this.LA(1).image === "reason" && this.LA(2).tokenType === T.StringLiteral, ALT: () => { this.CONSUME3(T.Identifier); this.CONSUME(T.StringLiteral); } },
      // `expect fit_grade = A`: a grade and its letter (a flag is one name alone).
      { ALT: () => { this.CONSUME4(T.Identifier); this.CONSUME2(T.Equals); this.CONSUME3(T.NameLike); } },
      { ALT: () => { this.OPTION2(() => this.CONSUME(T.Not)); this.CONSUME(T.Identifier); } },
    ]);
  });

  path = this.RULE("path", () => {
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME(T.NameLike);
    });
  });

  // ---- expressions, lowest precedence first ----

  expression = this.RULE("expression", () => {
    this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.andExpr);
    });
  });

  andExpr = this.RULE("andExpr", () => {
    this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.notExpr);
    });
  });

  notExpr = this.RULE("notExpr", () => {
    this.OR([
      { ALT: () => { this.CONSUME(T.Not); this.SUBRULE(this.notExpr); } },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  comparison = this.RULE("comparison", () => {
    this.SUBRULE(this.additive);
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.OR2([
              { ALT: () => this.CONSUME(T.Equals) },
              { ALT: () => this.CONSUME(T.NotEquals) },
              { ALT: () => this.CONSUME(T.Less) },
              { ALT: () => this.CONSUME(T.LessEquals) },
              { ALT: () => this.CONSUME(T.Greater) },
              { ALT: () => this.CONSUME(T.GreaterEquals) },
            ]);
            this.SUBRULE2(this.additive);
          },
        },
        { ALT: () => { this.CONSUME(T.In); this.SUBRULE(this.listLiteral); } },
        { ALT: () => { this.CONSUME(T.Not); this.CONSUME2(T.In); this.SUBRULE2(this.listLiteral); } },
        { ALT: () => { this.CONSUME(T.Contains); this.SUBRULE3(this.additive); } },
        { ALT: () => { this.CONSUME(T.Starts); this.CONSUME(T.With); this.SUBRULE4(this.additive); } },
        { ALT: () => { this.CONSUME(T.Ends); this.CONSUME2(T.With); this.SUBRULE5(this.additive); } },
        {
          ALT: () => {
            this.CONSUME(T.Is);
            this.OR3([{ ALT: () => this.CONSUME(T.Missing) }, { ALT: () => this.CONSUME(T.Present) }]);
          },
        },
      ]);
    });
  });

  additive = this.RULE("additive", () => {
    this.SUBRULE(this.multiplicative);
    this.MANY({
      GATE: () => !(this.inScoreLine && (this.LA(1) as T.LeaddefToken).startsLine),
      DEF: () => {
        this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
        this.SUBRULE2(this.multiplicative);
      },
    });
  });

  multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]);
      this.SUBRULE2(this.unary);
    });
  });

  unary = this.RULE("unary", () => {
    this.OR([
      { ALT: () => { this.CONSUME(T.Minus); this.SUBRULE(this.unary); } },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.DateLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.SUBRULE(this.listLiteral) },
      { ALT: () => this.SUBRULE(this.atLeast) },
      { GATE: () => isStreamQueryStart(this.LA(1), this.LA(2)), ALT: () => this.SUBRULE(this.streamQuery) },
      { GATE: () => this.LA(2).tokenType === T.LParen, ALT: () => this.SUBRULE(this.call) },
      { ALT: () => this.SUBRULE(this.path) },
      { ALT: () => { this.CONSUME(T.LParen); this.SUBRULE(this.expression); this.CONSUME(T.RParen); } },
    ]);
  });

  call = this.RULE("call", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
    this.CONSUME(T.RParen);
  });

  atLeast = this.RULE("atLeast", () => {
    this.CONSUME(T.At);
    this.CONSUME(T.Least);
    this.CONSUME(T.NumberLiteral);
    this.CONSUME(T.Of);
    this.SUBRULE(this.listLiteral);
  });

  listLiteral = this.RULE("listLiteral", () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.listItem) });
    this.CONSUME(T.RBracket);
  });

  /** A lone literal or name followed by `,` or `]`: the common list item. */
  private readonly atomItem = (): boolean => {
    const next = this.LA(2).tokenType;
    return next === T.Comma || next === T.RBracket;
  };

  // An item that is one literal or name — nearly every item, in lists of up to 100,000 — is read
  // without descending the ten expression rules; that descent made long lists slow to check.
  listItem = this.RULE("listItem", () => {
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { GATE: this.atomItem, ALT: () => this.CONSUME(T.StringLiteral) },
        { GATE: this.atomItem, ALT: () => this.CONSUME(T.NumberLiteral) },
        { GATE: this.atomItem, ALT: () => this.CONSUME(T.DateLiteral) },
        { GATE: this.atomItem, ALT: () => this.CONSUME(T.True) },
        { GATE: this.atomItem, ALT: () => this.CONSUME(T.False) },
        { GATE: this.atomItem, ALT: () => this.CONSUME(T.Identifier) },
        { ALT: () => this.SUBRULE(this.expression) },
      ],
    });
  });
}

/** Whether the tokens at a declaration's start are `param NAME =` (the contextual keyword). */
export function isParamStart(first: IToken | undefined, third: IToken | undefined): boolean {
  return first?.tokenType === T.Identifier && first.image === "param" && third?.tokenType === T.Equals;
}

/** Whether the tokens at a declaration's start are `outcome NAME when` (the contextual keyword). */
export function isOutcomeStart(first: IToken | undefined, third: IToken | undefined): boolean {
  return first?.tokenType === T.Identifier && first.image === "outcome" && third?.tokenType === T.When;
}

/** Whether the tokens at a declaration's start are `events NAME {` (the contextual keyword). */
export function isEventsStart(first: IToken | undefined, third: IToken | undefined): boolean {
  return first?.tokenType === T.Identifier && first.image === "events" && third?.tokenType === T.LBrace;
}

/** `count(` or `latest(`: a query over an event stream. */
export function isStreamQueryStart(first: IToken | undefined, second: IToken | undefined): boolean {
  return first?.tokenType === T.Identifier && (first.image === "count" || first.image === "latest") && second?.tokenType === T.LParen;
}

/** A contextual word: an identifier with this text (`where`, `within`, `per`, …). */
function isWord(t: IToken | undefined, text: string): boolean {
  return t !== undefined && t.tokenType === T.Identifier && t.image === text;
}

/** Whether the tokens at a declaration's start are `grade NAME {` (the contextual keyword). */
export function isGradeStart(first: IToken | undefined, third: IToken | undefined): boolean {
  return first?.tokenType === T.Identifier && first.image === "grade" && third?.tokenType === T.LBrace;
}

/** Whether the tokens at a declaration's start are `disqualify when` (the contextual keyword). */
export function isDisqualifyStart(first: IToken | undefined, second: IToken | undefined): boolean {
  return first?.tokenType === T.Identifier && first.image === "disqualify" && second?.tokenType === T.When;
}

const parser = new LeaddefCstParser();

export interface CstResult {
  cst: CstNode | undefined;
  errors: IRecognitionException[];
}

/** Parses one declaration's tokens. Never throws on user input. */
export function parseDeclarationTokens(tokens: IToken[]): CstResult {
  parser.input = tokens;
  const cst = parser.declaration();
  return { cst, errors: parser.errors };
}
