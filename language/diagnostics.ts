import type { Range, Span } from "./source.js";

/** `hint`: a faint mark in the editor, never an error or a warning (LD3006, from the language server only). */
export type Severity = "error" | "warning" | "info" | "hint";

/** A machine-applicable fix: replace the text at `span` (in the diagnostic's file) with `text`. */
export interface Suggestion {
  message: string;
  span: Span;
  range?: Range;
  text: string;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  /** The file the diagnostic belongs to, as given to the compiler. */
  file: string;
  span: Span;
  /** Filled in by the compiler from the file's line index. */
  range?: Range;
  help?: string;
  suggestion?: Suggestion;
}

interface CatalogEntry {
  severity: Severity;
  title: string;
}

/**
 * Every diagnostic the toolchain can report, one place. Codes are stable: never reuse or
 * renumber one. docs/diagnostics.md documents each with a wrong and a right example.
 * LD0xxx syntax, LD1xxx names and types, LD2xxx warnings about meaning, LD3xxx examples.
 */
export const CATALOG = {
  LD0001: { severity: "error", title: "unexpected character" },
  LD0002: { severity: "error", title: "syntax error" },
  LD0003: { severity: "error", title: "invalid date" },
  LD0004: { severity: "error", title: "invalid string" },
  LD0005: { severity: "error", title: "nesting too deep" },
  LD0006: { severity: "error", title: "invalid number" },
  LD0007: { severity: "error", title: "too many errors" },
  LD1001: { severity: "error", title: "unknown field" },
  LD1002: { severity: "error", title: "unknown name" },
  LD1003: { severity: "error", title: "unknown enum member" },
  LD1004: { severity: "error", title: "duplicate declaration" },
  LD1005: { severity: "error", title: "duplicate field" },
  LD1006: { severity: "error", title: "type mismatch" },
  LD1007: { severity: "error", title: "reserved name" },
  LD1008: { severity: "error", title: "reference cycle" },
  LD1009: { severity: "error", title: "import not found" },
  LD1010: { severity: "error", title: "import cycle" },
  LD1011: { severity: "error", title: "unknown type" },
  LD1012: { severity: "error", title: "not a field" },
  LD1013: { severity: "error", title: "unknown function" },
  LD1014: { severity: "error", title: "invalid list" },
  LD1015: { severity: "error", title: "invalid count" },
  LD1016: { severity: "error", title: "duplicate enum member" },
  LD1017: { severity: "error", title: "cap below floor" },
  LD1018: { severity: "error", title: "field path conflict" },
  LD1019: { severity: "error", title: "invalid parameter value" },
  /** The import rule (language/import-rule.ts): `.leaddef` regular files of at most 4 MB inside the project. */
  LD1020: { severity: "error", title: "import refused" },
  /** Outcomes are measured against the definition (`leaddef outcomes`); using one would leak the answer into it. */
  LD1021: { severity: "error", title: "outcome used by the definition" },
  // LD1030-LD1033: event streams (behaviour over time)
  LD1030: { severity: "error", title: "unknown event stream" },
  LD1031: { severity: "error", title: "event stream without a date" },
  LD1032: { severity: "error", title: "event stream used out of place" },
  LD1033: { severity: "error", title: "invalid window or decay" },
  /** A grade gives every lead a letter: without `else`, some leads would have none. */
  LD1035: { severity: "error", title: "grade without else" },
  LD1036: { severity: "error", title: "duplicate grade letter" },
  /** A disqualified lead's `reason` column says why: the text after `because`. */
  LD1037: { severity: "error", title: "disqualification without a reason" },
  LD1038: { severity: "error", title: "unknown disqualification reason" },
  LD2001: { severity: "warning", title: "unused criterion" },
  LD2002: { severity: "warning", title: "unused score" },
  LD2003: { severity: "warning", title: "stage skips the funnel" },
  LD2004: { severity: "warning", title: "condition can never be true" },
  LD2005: { severity: "warning", title: "unused import" },
  // LD2006-LD2011: proved by the SMT solver; reported by `leaddef check --semantic`, not compile()
  LD2006: { severity: "warning", title: "stage never reached" },
  LD2007: { severity: "warning", title: "criterion always the same" },
  LD2008: { severity: "warning", title: "score line never applies" },
  LD2009: { severity: "warning", title: "cap or floor never applies" },
  LD2010: { severity: "warning", title: "stage always passed" },
  LD2011: { severity: "warning", title: "duplicate condition in at least" },
  LD3001: { severity: "error", title: "value does not fit field" },
  LD3002: { severity: "error", title: "duplicate example value" },
  LD3003: { severity: "error", title: "unknown expectation" },
  LD3004: { severity: "warning", title: "example expects nothing" },
  /** Reported by `leaddef test` and the language server when an example runs and fails. */
  LD3005: { severity: "error", title: "example fails" },
  /** Reported by the language server (lsp/features/coverage-hints.ts) from `test --coverage`'s analysis. */
  LD3006: { severity: "hint", title: "condition not covered by examples" },
} satisfies Record<string, CatalogEntry>;

export type DiagnosticCode = keyof typeof CATALOG;

interface MessageEntry {
  code: DiagnosticCode;
  /** The text, with `{name}` where an argument goes. Cedar's style: lowercase start, no final period, user text in backticks. */
  text: string;
}

/**
 * Every diagnostic message, one place, as TypeScript's `diagnosticMessages.json` keeps them:
 * template, code (and through it the severity) are data; call sites pass the arguments with
 * `message(key, { … })`. One code may have several messages (a code names the kind of mistake).
 */
export const MESSAGES = {
  // ---- LD0xxx: syntax ----
  unexpectedCharacter: { code: "LD0001", text: "unexpected character `{text}`" },
  unexpectedCharacters: { code: "LD0001", text: "unexpected characters `{text}`" },
  syntaxExpectedIn: { code: "LD0002", text: "expected {expected} in {rule}, found {found}" },
  syntaxExpected: { code: "LD0002", text: "expected {expected}, found {found}" },
  syntaxUnexpectedIn: { code: "LD0002", text: "unexpected {found} in {rule}" },
  syntaxUnexpected: { code: "LD0002", text: "unexpected {found}" },
  notADate: { code: "LD0003", text: "`{text}` is not a calendar date" },
  unterminatedString: { code: "LD0004", text: "unterminated string" },
  unknownEscape: { code: "LD0004", text: "unknown escape `{escape}` in a string" },
  nulInString: { code: "LD0004", text: "a string cannot contain the NUL character" },
  nestedTooDeep: { code: "LD0005", text: "expression nested more than {max} levels deep" },
  listsTooDeep: { code: "LD0005", text: "lists nested more than {max} levels deep" },
  tooDeepToParse: { code: "LD0005", text: "this declaration is nested too deeply to parse" },
  importNotLeaddef: { code: "LD1020", text: "cannot import `{spec}`: not a `{extension}` file" },
  importOutsideProject: { code: "LD1020", text: "cannot import `{spec}`: it is outside the project" },
  importNotAFile: { code: "LD1020", text: "cannot import `{spec}`: not a regular file" },
  importTooLarge: { code: "LD1020", text: "cannot import `{spec}`: larger than {mb} MB" },
  chainedTooDeep: { code: "LD0005", text: "this declaration is nested or chained more than {max} levels deep" },
  dependencyChainTooLong: { code: "LD0005", text: "`{name}` depends on a chain of more than {max} criteria, scores and stages" },
  notANumber: { code: "LD0006", text: "`{text}` is not a number" },
  tooManySyntaxErrors: { code: "LD0007", text: "more than {max} syntax errors; stopped here" },
  // ---- LD1xxx: names and types ----
  unknownField: { code: "LD1001", text: "unknown field `{path}`" },
  unknownName: { code: "LD1002", text: "unknown name `{name}`" },
  notAMemberOf: { code: "LD1003", text: "`{name}` is not a member of `{field}`" },
  notAMemberOfThisEnum: { code: "LD1003", text: "`{name}` is not a member of this enum" },
  alreadyDeclaredAs: { code: "LD1004", text: "`{name}` is already declared as a {kind} at {where}" },
  alreadyDeclaredAsField: { code: "LD1004", text: "`{name}` is already declared as a field" },
  boundSetTwice: { code: "LD1004", text: "`{bound}` is set twice in score `{score}`" },
  importedNameClash: { code: "LD1004", text: "`{name}` from `{file}` is already declared in `{other}`" },
  fieldDeclaredTwice: { code: "LD1005", text: "field `{path}` is already declared at {where}" },
  importedFieldClash: { code: "LD1005", text: "field `{field}` from `{file}` is already declared in `{other}`" },
  conditionNotBoolean: { code: "LD1006", text: "the condition of {where} must be true or false, found {found}" },
  notTakesCondition: { code: "LD1006", text: "`not` takes a condition, found {found}" },
  minusTakesNumber: { code: "LD1006", text: "`-` takes a number, found {found}" },
  daysSinceArity: { code: "LD1006", text: "`days_since` takes one date, found {count} arguments" },
  daysSinceTakesDate: { code: "LD1006", text: "`days_since` takes a date, found {found}" },
  atLeastTakesConditions: { code: "LD1006", text: "`at least N of` takes conditions, found {found}" },
  inTakesSingleValue: { code: "LD1006", text: "`in` takes a single value, found a list" },
  inTakesScalar: { code: "LD1006", text: "`in` takes a number, string, date or enum value, found boolean" },
  listItemMismatch: { code: "LD1006", text: "`{item}` ({type}) cannot be in a list compared with {operand}" },
  takesConditions: { code: "LD1006", text: "`{op}` takes conditions, found {found}" },
  cannotCompare: { code: "LD1006", text: "`{op}` cannot compare {left} with {right}" },
  containsLooksInside: { code: "LD1006", text: "`contains` looks inside a string or a list, found {found}" },
  containsLooksFor: { code: "LD1006", text: "`contains` looks for a string, found {found}" },
  startsWithTests: { code: "LD1006", text: "`starts with` tests a string, found {found}" },
  startsWithPrefix: { code: "LD1006", text: "`starts with` takes a string prefix, found {found}" },
  endsWithTests: { code: "LD1006", text: "`ends with` tests a string, found {found}" },
  endsWithSuffix: { code: "LD1006", text: "`ends with` takes a string suffix, found {found}" },
  takesNumbers: { code: "LD1006", text: "`{op}` takes numbers, found {found}" },
  keywordFieldRoot: { code: "LD1007", text: "`{name}` is a keyword and cannot begin a field path" },
  keywordName: { code: "LD1007", text: "`{name}` is a keyword and cannot name a {kind}" },
  keywordMember: { code: "LD1007", text: "`{name}` is a keyword and cannot be an enum member" },
  resultColumnName: { code: "LD1007", text: "`{name}` is a column of every result and cannot name a {kind}" },
  reasonColumnName: { code: "LD1007", text: "`reason` is the column that says why a lead is disqualified and cannot name a {kind}" },
  disqualifiedStageName: { code: "LD1007", text: "`disqualified` is the stage of disqualified leads and cannot name a stage" },
  gradeWithoutElse: { code: "LD1035", text: "grade `{name}` has no `else`: a lead no line matches would get no letter" },
  gradeElseNotLast: { code: "LD1035", text: "`else` must be the last line of grade `{name}`, written once" },
  gradeLetterTwice: { code: "LD1036", text: "letter `{letter}` is given twice in grade `{name}`" },
  disqualifyWithoutReason: { code: "LD1037", text: "a disqualification needs a reason: `because \"…\"`" },
  disqualifyEmptyReason: { code: "LD1037", text: "the reason of a disqualification cannot be empty" },
  noDisqualifications: { code: "LD1038", text: "`expect reason` needs a `disqualify when … because \"…\"` in this file" },
  unknownReason: { code: "LD1038", text: "no disqualification gives the reason \"{reason}\"" },
  noGradeNamed: { code: "LD3003", text: "no grade named `{name}`" },
  outcomeUsed: { code: "LD1021", text: "`{name}` is an outcome: criteria, scores, stages and outcomes cannot use it" },
  unknownStream: { code: "LD1030", text: "there is no event stream `{name}`" },
  streamWithoutOccurred: { code: "LD1031", text: "event stream `{name}` has no `occurred: date` field" },
  occurredNotADate: { code: "LD1031", text: "`occurred` in event stream `{name}` must be a required `date`, not `{found}`" },
  streamAsValue: { code: "LD1032", text: "`{name}` is an event stream: use it in `count(…)`, `latest(…)` or a `per` score line" },
  nestedStreamQuery: { code: "LD1032", text: "a stream query cannot be nested inside the `where` of another" },
  streamFieldClash: { code: "LD1032", text: "event stream `{name}` clashes with the field `{field}`" },
  badWithin: { code: "LD1033", text: "`within` takes a whole number of days (0 or more), not `{value}`" },
  badDecayPercent: { code: "LD1033", text: "`decay` takes a percentage above 0 and at most 100, not `{value}%`" },
  badDecayEvery: { code: "LD1033", text: "`every` takes a whole number of days (1 or more), not `{value}`" },
  badMax: { code: "LD1033", text: "`max` takes a number above 0, not `{value}`" },
  paramNotAList: { code: "LD1019", text: "parameter `{name}` holds one value, not a list" },
  paramMemberNeedsEnum: { code: "LD1019", text: "parameter `{name}` holds the enum member `{member}`, so it can only be compared with an enum field" },
  paramNotMember: { code: "LD1019", text: "parameter `{name}` is `{member}`, which is not a member of `{field}`" },
  dependsOnItself: { code: "LD1008", text: "`{name}` depends on itself: {cycle}" },
  importNotFound: { code: "LD1009", text: "cannot find `{path}`" },
  cannotRead: { code: "LD1009", text: "cannot read `{path}`" },
  importCycle: { code: "LD1010", text: "import cycle: {cycle}" },
  unknownType: { code: "LD1011", text: "unknown type `{name}`" },
  emptyEnum: { code: "LD1011", text: "an enum needs at least one member" },
  ellipsisNotLast: { code: "LD1011", text: "`...` must be the last member of an enum" },
  emptyMember: { code: "LD1011", text: "an enum member cannot be empty" },
  dateLayoutArgs: { code: "LD1011", text: "a date layout is one string: `date(\"M/D/YYYY\")`" },
  badDateLayout: { code: "LD1011", text: "`{layout}` is not a date layout: {problem}" },
  listOfStrings: { code: "LD1011", text: "lists hold strings: write `list(string)`" },
  typeTakesNoArguments: { code: "LD1011", text: "`{name}` takes no arguments" },
  presenceNeedsField: { code: "LD1012", text: "`is {test}` takes a field path" },
  unknownFunction: { code: "LD1013", text: "unknown function `{name}`" },
  listOutOfPlace: { code: "LD1014", text: "a list can only follow `in`, `not in` or `at least N of`" },
  atLeastCount: { code: "LD1015", text: "`at least {count} of` a list of {size} can never hold as intended" },
  enumMemberTwice: { code: "LD1016", text: "enum member `{member}` is listed twice" },
  capBelowFloor: { code: "LD1017", text: "cap {cap} is below floor {floor}" },
  fieldUnderField: { code: "LD1018", text: "field `{field}` lies under field `{prefix}`, which is a value, not a group" },
  // ---- LD2xxx: warnings about meaning ----
  unusedCriterion: { code: "LD2001", text: "criterion `{name}` is never used" },
  unusedScore: { code: "LD2002", text: "score `{name}` is never used" },
  skipsFunnel: { code: "LD2003", text: "stage `{stage}` does not require `{previous}`, so a lead can skip the funnel" },
  neverTrue: { code: "LD2004", text: "this condition can never be true: no value of `{field}` meets all its bounds" },
  unusedImport: { code: "LD2005", text: "nothing from `{file}` is used in this file" },
  // ---- LD2006-LD2011: proved by the SMT solver (`check --semantic`) ----
  stageUnreachable: { code: "LD2006", text: "no lead can reach stage `{name}`" },
  criterionNeverTrue: { code: "LD2007", text: "criterion `{name}` is never true" },
  criterionAlwaysTrue: { code: "LD2007", text: "criterion `{name}` is always true" },
  scoreLineNever: { code: "LD2008", text: "this line of score `{name}` never applies" },
  capUnreachable: { code: "LD2009", text: "`cap {raw}` is above the highest score a lead can get" },
  floorUnreachable: { code: "LD2009", text: "`floor {raw}` is below the lowest score a lead can get" },
  stagePassedOn: { code: "LD2010", text: "no lead ends at stage `{name}`: every lead that reaches it reaches a later stage" },
  atLeastDuplicate: { code: "LD2011", text: "this condition of `at least {n} of` is the same as condition {other}" },
  // ---- LD3xxx: examples ----
  valueDoesNotFit: { code: "LD3001", text: "`{field}` is {type}; this value does not fit" },
  eventsDoNotFit: { code: "LD3001", text: "`{name}` is an event stream; write its events as a list of records, each with an `occurred` date" },
  eventWithoutOccurred: { code: "LD3001", text: "this `{name}` event has no `occurred` date" },
  setTwiceInExample: { code: "LD3002", text: "`{field}` is set twice in this example" },
  asOfTwice: { code: "LD3002", text: "the example sets `as of` twice" },
  noStageNamed: { code: "LD3003", text: "no stage named `{name}`" },
  noScoreNamed: { code: "LD3003", text: "no score named `{name}`" },
  noCriterionOrStageNamed: { code: "LD3003", text: "no criterion or stage named `{name}`" },
  expectsNothing: { code: "LD3004", text: "this example expects nothing, so it can never fail" },
  /** `failure` is rendered by the application (compiler/app/render.ts), the one place example failures become English. */
  exampleFails: { code: "LD3005", text: "example fails: {failure}" },
  neverTrueInExamples: { code: "LD3006", text: "no example makes `{condition}` true" },
  neverFalseInExamples: { code: "LD3006", text: "no example makes `{condition}` false" },
  notReachedByExamples: { code: "LD3006", text: "no example reaches `{condition}`" },
} as const satisfies Record<string, MessageEntry>;

/**
 * Every help line, fix title and message fragment, one place: the advice after `= help:`, the
 * title of a quick fix, and the pieces other templates take as arguments (`line 4`).
 */
export const HELP = {
  didYouMean: "did you mean `{name}`?",
  theStreams: "the event streams are {streams}",
  declareStream: "declare it as `events {name}` with an `occurred: date` field",
  addOccurred: "add `occurred: date` to the stream: every event needs the date it happened",
  streamQueries: "`count({name})` is how many events it has, `latest({name})` the date of the last one",
  queryOnce: "give the inner query a criterion of its own, or combine the conditions in one `where`",
  renameStream: "give the stream or the field another name",
  windowExample: "for example `within 30 days` or `decay 50% every 30 days`",
  changeTo: "change to `{name}`",
  closeString: "close the string with `\"` on the same line",
  splitIntoCriteria: "split it into named criteria",
  flattenChain: "a chain this long cannot be what the team meant; flatten it",
  numberSyntax: "write digits with an optional `_` separator and an optional K, M or B suffix, e.g. `1_500`, `2.5M`",
  escapes: "the escapes are `\\\"`, `\\\\`, `\\n`, `\\r` and `\\t`",
  removeNul: "remove the NUL character (U+0000) from the string",
  importOnlyLeaddef: "a definition can import only `{extension}` files",
  importInsideProject: "imports must stay inside the project folder{root} (the nearest folder above with a package.json or .git, or the editor's workspace folder; set it with --project-root or the leaddef.projectRoot setting)",
  importRegularFiles: "a folder, device, pipe or socket cannot be imported",
  importSplit: "split the definition into smaller files",
  dateSyntax: "dates are written YYYY-MM-DD and must exist, e.g. `2026-02-28`",
  oneAsOf: "keep one `as of` date per example",
  renameField: "rename the field, e.g. `lead.{path}`",
  declareFieldOnce: "declare each field once; schema blocks merge",
  oneSetOfNames: "criteria, scores and stages share one set of names",
  renameFieldPrefix: "rename one of them so that no field path is the start of another",
  noneMeansNoStage: "`none` means \"no stage\" in results; choose another name",
  notAKeyword: "choose a name that is not a keyword",
  resultColumns: "results begin with the columns `id` and `stage`; choose another name",
  reasonColumn: "results of a definition that disqualifies have a `reason` column; choose another name",
  disqualifiedStage: "a lead for which a `disqualify` holds has the stage `disqualified`; choose another name",
  gradeElse: "end the grade with `else {letter}`: the letter of every lead no line gives one",
  gradeLettersOnce: "each letter names one line; merge the conditions with `or`",
  addReason: "say why after `because`; the text is the lead's `reason` column",
  theReasons: "the reasons are {reasons}",
  theGrades: "the grades are {grades}",
  outcomesAreMeasured: "an outcome says what happened after qualification; measure the definition against it with `leaddef outcomes`",
  paramValues: "write a number, a date, a string, `true`/`false` or an enum member",
  neverHolds: "its condition can never hold for any lead the schema allows, on any as-of date",
  neverHoldsShort: "its condition can never hold for any lead the schema allows",
  impliesLater: "its condition implies {later}; make the later stage ask for more",
  noLeadSatisfies: "no lead the schema allows satisfies it, on any as-of date",
  everyLeadSatisfies: "every lead the schema allows satisfies it, on every as-of date",
  boundNeverApplies: "it never applies; delete it, or bring it within the score's range",
  deleteBound: "delete `{bound}`",
  countsTwice: "the two hold for exactly the same leads, so one lead counts twice; delete one or replace it",
  paramBesideEnum: "use it beside an enum field: `field = {name}` or `field in [{name}, …]`",
  paramDidYouMean: "did you mean `{name}`? (change it at the parameter's declaration)",
  theTypes: "the types are {types}",
  enumSyntax: "write the members in parentheses: `enum(a, b, c)`, quoting any that are not plain names: `enum(\"Open - Not Contacted\", \"Working - Contacted\")`",
  ellipsisLast: "move `...` to the end: it stands for every value not listed",
  quoteMember: "write it as a string: `\"{name}\"`",
  dateLayoutExample: "for example `date(\"M/D/YYYY\")` or `date(\"DD.MM.YYYY\")`",
  capAndFloor: "the cap is the highest score allowed, the floor the lowest",
  compareIt: "compare it, e.g. `>= 50`",
  onlyFieldsMissing: "only fields can be missing; criteria, scores and stages always have a value",
  oneFunction: "the one function is `days_since(date)`",
  atLeastRange: "use a whole number from 1 to {max}",
  useContains: "to test a list field, use `contains`",
  sameTypes: "both sides must have the same type (integers and numbers mix)",
  orderable: "`<`, `<=`, `>` and `>=` order numbers, dates, and members of one enum",
  fieldsUnder: "fields under `{root}`: {fields}",
  declareInSchema: "declare it in a `schema` block",
  theMembers: "the members are {members}",
  bareName: "a bare name must be a criterion, score or stage, or a member beside an enum field",
  addExpect: "add `expect stage NAME` or `expect score NAME = N`",
  theStages: "the stages are {stages}",
  writeBoolean: "write `true` or `false`",
  writeInteger: "write a whole number, e.g. `500`",
  writeNumber: "write a number, e.g. `250M`",
  writeString: "write a string in double quotes",
  writeDate: "write a date, e.g. `2026-11-20`",
  writeList: "write a list of strings, e.g. `[\"salesforce\", \"sap\"]`",
  writeOneOf: "write one of {members}",
  useOrDelete: "use it in a stage, score or criterion, or delete it",
  scoreStillReported: "a score is still reported per lead; use it in a stage or an example's `expect score` to make it part of the definition",
  deleteImport: "delete the import, or use its fields, criteria or scores",
  funnelOrder: "stages are ordered low to high; start the condition with `{previous} and` if every `{stage}` must first be `{previous}`",
  requirePrevious: "require `{previous}`",
  checkComparisons: "check the comparisons on this field; did you mean `or`?",
  noSelfReference: "a criterion, score or stage cannot refer back to itself",
  moveShared: "move the shared declarations into a file both can import",
  lookedFor: "looked for {target}",
  atLine: "line {line}",
  quoted: "`{text}`",
  alternatives: "{some} or {last}",
  endOfDeclaration: "the end of the declaration",
} as const satisfies Record<string, string>;

export type MessageKey = keyof typeof MESSAGES;
export type HelpKey = keyof typeof HELP;

/** The argument names a template asks for: `"{a} and {b}"` gives `"a" | "b"`. */
export type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;

/** A template's arguments as a rest parameter: none for a plain text, one object naming exactly its placeholders otherwise. */
export type TemplateArgs<S extends string> = [Placeholders<S>] extends [never] ? [] : [args: { [P in Placeholders<S>]: string | number }];

/** A rendered message with its code, as `diagnostic()` takes it. */
export interface Message {
  code: DiagnosticCode;
  text: string;
}

/**
 * Renders a template with its arguments: the one function that fills a `{name}`. An argument
 * the template does not name, or a placeholder with no argument, is a bug at the call site, so
 * it throws rather than printing a half-filled message.
 */
export function renderTemplate(template: string, args: Readonly<Record<string, string | number>> = {}): string {
  const used = new Set<string>();
  const text = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!Object.hasOwn(args, name)) throw new Error(`internal error: no argument {${name}} for "${template}"`);
    used.add(name);
    return String(args[name]);
  });
  const extra = Object.keys(args).filter((k) => !used.has(k));
  if (extra.length) throw new Error(`internal error: "${template}" takes no argument ${extra.map((k) => `{${k}}`).join(", ")}`);
  return text;
}

/** The catalog message `key` with its arguments filled in, and its code. */
export function message<K extends MessageKey>(key: K, ...args: TemplateArgs<(typeof MESSAGES)[K]["text"]>): Message {
  const entry: MessageEntry = MESSAGES[key];
  return { code: entry.code, text: renderTemplate(entry.text, args[0]) };
}

/** The help line, fix title or fragment `key` with its arguments filled in. */
export function helpText<K extends HelpKey>(key: K, ...args: TemplateArgs<(typeof HELP)[K]>): string {
  return renderTemplate(HELP[key], args[0]);
}

/** Names in backticks, joined: `` `a`, `b` `` (or with `separator`, e.g. `" → "` for a cycle). */
export function codeList(names: readonly string[], separator = ", "): string {
  return names.map((n) => `\`${n}\``).join(separator);
}

export interface DiagnosticInit {
  help?: string;
  suggestion?: Suggestion;
  severity?: Severity;
}

/** A diagnostic for `message` at `span` in `file`; its severity is its code's unless `init` says otherwise. */
export function diagnostic(file: string, span: Span, message: Message, init: DiagnosticInit = {}): Diagnostic {
  return {
    code: message.code,
    severity: init.severity ?? CATALOG[message.code].severity,
    message: message.text,
    file,
    span,
    ...(init.help !== undefined ? { help: init.help } : {}),
    ...(init.suggestion !== undefined ? { suggestion: init.suggestion } : {}),
  };
}

/** Orders by file then position then code, so every renderer and golden file is stable. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.span.start !== b.span.start) return a.span.start - b.span.start;
  if (a.span.end !== b.span.end) return a.span.end - b.span.end;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}
