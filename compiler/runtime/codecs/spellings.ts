/**
 * Accepted spellings that are plain data, shared by every engine: the JS readers and the CSV fast
 * scanner match against these tables, the SQL readers are generated from them, and reject
 * messages list them. Adding a spelling here adds it everywhere.
 */

/** Boolean words, in the order messages list them; data matches them in any (ASCII) case. */
export const BOOLEAN_WORDS: readonly (readonly [string, boolean])[] = [["true", true], ["false", false], ["yes", true], ["no", false], ["y", true], ["n", false], ["on", true], ["off", false], ["1", true], ["0", false]];
