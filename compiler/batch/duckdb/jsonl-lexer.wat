;; The JSON Lines scan's fast path (jsonl-scan.ts): which lines can be passed over because the
;; exact lexer there (`endLine`, `lenientObject`) would find nothing on them. It reads 64 bytes
;; at a time with WebAssembly SIMD, simdjson's way: the bits of the block's quotes, backslashes,
;; line feeds and "rare" bytes; which quotes a backslash escapes; which bytes lie inside strings
;; (the prefix XOR of the unescaped quotes). Only the few bytes that matter outside strings are
;; then looked at one by one.
;;
;; A line is passed over ("clean") when it starts with `{` and, outside its strings, has no
;; `i`, `I`, `N`, `A`, no `a` right after `n`, no `}`/`]` whose previous byte past spaces and tabs
;; is a comma, no backslash, and does not end inside a string. Any other line is handed back to
;; the exact lexer, so this only has to be right about the lines it passes over:
;; - strings are lexed as the exact lexer does (a quote opens and closes one; inside, a backslash
;;   escapes the next byte). The escape bits are computed for every backslash, inside strings or
;;   not; the two readings part only at a backslash outside a string, whose line is handed back.
;; - each line's lexing starts afresh: a line that ends outside its strings leaves no state
;;   behind (a line feed is no space, so no comma is carried past it), and any other is handed back.
;;
;; It also notes whether a line passed over may have a key that holds a dot or a backslash (a
;; string holding one, followed by `:` past spaces and tabs): only then can a line spell a field's
;; path as one flat key ("company.name", or with `\u002e`), which `read_json` must then be asked
;; for besides the nested path (jsonl-source.ts). And whether a line passed over may have an
;; array item that is not a string: the first byte past spaces and tabs after a `[` or a `,`
;; outside strings is then neither a quote nor `]` (after an object's comma comes a key's quote).
;; Only without such items can `read_json` read a list field as VARCHAR[] as JSON.parse reads it.
(module
  ;; JS reads the file into this memory (see jsonl-scan.ts for the layout) and grows it.
  (memory (export "memory") 1)
  ;; Lines passed over since JS last reset it, and the longest of them (bytes, no line feed).
  (global $clean (export "clean") (mut i32) (i32.const 0))
  (global $longest (export "longest") (mut i32) (i32.const 0))
  ;; 1 once a line passed over may have a key holding a dot or a backslash (JS resets it).
  (global $dottedKey (export "dottedKey") (mut i32) (i32.const 0))
  ;; 1 once a line passed over may have an array item that is not a string (JS resets it).
  (global $nonStringItem (export "nonStringItem") (mut i32) (i32.const 0))

  ;; Whether the line starting at `at` opens an object: `{` past spaces and tabs.
  (func $opensObject (param $at i32) (result i32)
    (local $b i32)
    (loop $spaces
      (local.set $b (i32.load8_u (local.get $at)))
      (local.set $at (i32.add (local.get $at) (i32.const 1)))
      (br_if $spaces (i32.or (i32.eq (local.get $b) (i32.const 32)) (i32.eq (local.get $b) (i32.const 9)))))
    (i32.eq (local.get $b) (i32.const 123)))

  ;; Whether the string whose closing quote is at `at` is a key: `:` follows past spaces and tabs.
  (func $isKey (param $at i32) (result i32)
    (local $b i32)
    (loop $spaces
      (local.set $at (i32.add (local.get $at) (i32.const 1)))
      (local.set $b (i32.load8_u (local.get $at)))
      (br_if $spaces (i32.or (i32.eq (local.get $b) (i32.const 32)) (i32.eq (local.get $b) (i32.const 9)))))
    (i32.eq (local.get $b) (i32.const 58)))

  ;; Passes over the clean lines of memory[start, end), where `start` begins a line and `end`
  ;; follows a line feed, and at least 64 readable bytes follow `end`. Returns `end` when every
  ;; line is clean, else the start of the first line that is not.
  (func (export "scan") (param $start i32) (param $end i32) (result i32)
    (local $pos i32) (local $lineStart i32) (local $k i32) (local $p i32) (local $at i32) (local $b i32)
    (local $v v128) (local $l v128)
    (local $quotes i64) (local $backslashes i64) (local $lineFeeds i64) (local $rare i64)
    (local $escaped i64) (local $escapeCarry i64) (local $bit i64) (local $rest i64)
    (local $inside i64) (local $insideCarry i64) (local $valid i64) (local $candidates i64)
    (local $dots i64) (local $marked i64) (local $closing i64) (local $after i64) (local $openMarked i32)
    (local $openers i64) (local $spaces i64) (local $closeBrackets i64) (local $firsts i64) (local $significant i64) (local $openerPending i64)
    (local.set $pos (local.get $start))
    (local.set $lineStart (local.get $start))
    (if (i32.eqz (call $opensObject (local.get $start))) (then (return (local.get $start))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $pos) (local.get $end)))
        ;; The block's bit masks, 16 bytes at a time. "Rare" bytes: i I a A N } ] (byte | 0x20
        ;; is i, a or }, or the byte is N).
        (local.set $quotes (i64.const 0))
        (local.set $backslashes (i64.const 0))
        (local.set $lineFeeds (i64.const 0))
        (local.set $rare (i64.const 0))
        (local.set $dots (i64.const 0))
        (local.set $openers (i64.const 0))
        (local.set $spaces (i64.const 0))
        (local.set $closeBrackets (i64.const 0))
        (local.set $k (i32.const 0))
        (loop $vectors
          (local.set $v (v128.load (i32.add (local.get $pos) (local.get $k))))
          (local.set $l (v128.or (local.get $v) (v128.const i8x16 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32)))
          (local.set $quotes (i64.or (local.get $quotes) (i64.shl
            (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v) (v128.const i8x16 34 34 34 34 34 34 34 34 34 34 34 34 34 34 34 34))))
            (i64.extend_i32_u (local.get $k)))))
          (local.set $backslashes (i64.or (local.get $backslashes) (i64.shl
            (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v) (v128.const i8x16 92 92 92 92 92 92 92 92 92 92 92 92 92 92 92 92))))
            (i64.extend_i32_u (local.get $k)))))
          (local.set $lineFeeds (i64.or (local.get $lineFeeds) (i64.shl
            (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))))
            (i64.extend_i32_u (local.get $k)))))
          (local.set $openers (i64.or (local.get $openers) (i64.shl
            (i64.extend_i32_u (i8x16.bitmask (v128.or
              (i8x16.eq (local.get $v) (v128.const i8x16 91 91 91 91 91 91 91 91 91 91 91 91 91 91 91 91))
              (i8x16.eq (local.get $v) (v128.const i8x16 44 44 44 44 44 44 44 44 44 44 44 44 44 44 44 44)))))
            (i64.extend_i32_u (local.get $k)))))
          (local.set $spaces (i64.or (local.get $spaces) (i64.shl
            (i64.extend_i32_u (i8x16.bitmask (v128.or
              (i8x16.eq (local.get $v) (v128.const i8x16 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32))
              (i8x16.eq (local.get $v) (v128.const i8x16 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9)))))
            (i64.extend_i32_u (local.get $k)))))
          (local.set $closeBrackets (i64.or (local.get $closeBrackets) (i64.shl
            (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v) (v128.const i8x16 93 93 93 93 93 93 93 93 93 93 93 93 93 93 93 93))))
            (i64.extend_i32_u (local.get $k)))))
          (local.set $dots (i64.or (local.get $dots) (i64.shl
            (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v) (v128.const i8x16 46 46 46 46 46 46 46 46 46 46 46 46 46 46 46 46))))
            (i64.extend_i32_u (local.get $k)))))
          (local.set $rare (i64.or (local.get $rare) (i64.shl
            (i64.extend_i32_u (i8x16.bitmask (v128.or
              (v128.or
                (i8x16.eq (local.get $l) (v128.const i8x16 105 105 105 105 105 105 105 105 105 105 105 105 105 105 105 105))
                (i8x16.eq (local.get $l) (v128.const i8x16 97 97 97 97 97 97 97 97 97 97 97 97 97 97 97 97)))
              (v128.or
                (i8x16.eq (local.get $l) (v128.const i8x16 125 125 125 125 125 125 125 125 125 125 125 125 125 125 125 125))
                (i8x16.eq (local.get $v) (v128.const i8x16 78 78 78 78 78 78 78 78 78 78 78 78 78 78 78 78))))))
            (i64.extend_i32_u (local.get $k)))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $vectors (i32.lt_u (local.get $k) (i32.const 64))))
        ;; The block's bytes before `end`.
        (local.set $valid
          (if (result i64) (i32.ge_u (i32.sub (local.get $end) (local.get $pos)) (i32.const 64))
            (then (i64.const -1))
            (else (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (local.get $end) (local.get $pos)))) (i64.const 1)))))
        ;; Escaped bytes: each backslash not itself escaped escapes the next byte (the one after
        ;; the block's last byte is carried into the next block).
        (local.set $escaped (local.get $escapeCarry))
        (local.set $escapeCarry (i64.const 0))
        (local.set $rest (local.get $backslashes))
        (block $escapesDone
          (loop $escapes
            (br_if $escapesDone (i64.eqz (local.get $rest)))
            (local.set $bit (i64.and (local.get $rest) (i64.sub (i64.const 0) (local.get $rest))))
            (if (i64.eqz (i64.and (local.get $escaped) (local.get $bit)))
              (then
                (if (i64.eq (local.get $bit) (i64.const -9223372036854775808))
                  (then (local.set $escapeCarry (i64.const 1)))
                  (else (local.set $escaped (i64.or (local.get $escaped) (i64.shl (local.get $bit) (i64.const 1))))))))
            (local.set $rest (i64.xor (local.get $rest) (local.get $bit)))
            (br $escapes)))
        ;; Inside strings: the prefix XOR of the unescaped quotes (an opening quote counts as
        ;; inside, a closing one as outside), flipped when the block starts inside a string.
        (local.set $inside (i64.and (local.get $quotes) (i64.xor (local.get $escaped) (i64.const -1))))
        (local.set $inside (i64.xor (local.get $inside) (i64.shl (local.get $inside) (i64.const 1))))
        (local.set $inside (i64.xor (local.get $inside) (i64.shl (local.get $inside) (i64.const 2))))
        (local.set $inside (i64.xor (local.get $inside) (i64.shl (local.get $inside) (i64.const 4))))
        (local.set $inside (i64.xor (local.get $inside) (i64.shl (local.get $inside) (i64.const 8))))
        (local.set $inside (i64.xor (local.get $inside) (i64.shl (local.get $inside) (i64.const 16))))
        (local.set $inside (i64.xor (local.get $inside) (i64.shl (local.get $inside) (i64.const 32))))
        (local.set $inside (i64.xor (local.get $inside) (local.get $insideCarry)))
        (local.set $insideCarry (i64.shr_s (local.get $inside) (i64.const 63)))
        ;; Array items that are not strings, until one is found: the first byte past spaces after
        ;; each `[` or `,` outside strings (adding the shifted openers to the spaces carries each
        ;; through its run of spaces), unless a quote or `]`. An opener that ends the block, past
        ;; spaces, is carried into the next.
        (if (i32.eqz (global.get $nonStringItem))
          (then
            (local.set $openers (i64.and (local.get $openers) (i64.xor (local.get $inside) (i64.const -1))))
            (local.set $spaces (i64.and (local.get $spaces) (i64.xor (local.get $inside) (i64.const -1))))
            (local.set $firsts (i64.and
              (i64.add (i64.or (i64.shl (local.get $openers) (i64.const 1)) (local.get $openerPending)) (local.get $spaces))
              (i64.xor (local.get $spaces) (i64.const -1))))
            (if (i64.ne (i64.const 0) (i64.and (local.get $valid)
                  (i64.and (local.get $firsts) (i64.xor (i64.or (local.get $quotes) (local.get $closeBrackets)) (i64.const -1)))))
              (then (global.set $nonStringItem (i32.const 1))))
            (local.set $significant (i64.xor (local.get $spaces) (i64.const -1)))
            (if (i64.ne (local.get $significant) (i64.const 0))
              (then (local.set $openerPending (i64.and (i64.const 1)
                (i64.shr_u (local.get $openers) (i64.sub (i64.const 63) (i64.clz (local.get $significant))))))))))
        ;; Keys holding a dot or a backslash, until one is found: each string holding one (its
        ;; string may have begun in an earlier block, `openMarked`) is followed to its closing
        ;; quote, and that quote tested for a `:` after it.
        (if (i32.eqz (global.get $dottedKey))
          (then
            (local.set $closing (i64.and (local.get $valid) (i64.and (local.get $quotes)
              (i64.xor (i64.or (local.get $escaped) (local.get $inside)) (i64.const -1)))))
            (local.set $marked (i64.and (local.get $valid) (i64.and (local.get $inside) (i64.or (local.get $dots) (local.get $backslashes)))))
            (if (local.get $openMarked) (then (local.set $marked (i64.or (local.get $marked) (i64.const 1)))))
            (local.set $openMarked (i32.const 0))
            (block $keysDone
              (loop $keys
                (br_if $keysDone (i64.eqz (local.get $marked)))
                ;; The closing quotes after the lowest mark.
                (local.set $after (i64.and (local.get $closing)
                  (i64.xor (i64.sub (i64.and (local.get $marked) (i64.sub (i64.const 0) (local.get $marked))) (i64.const 1)) (i64.const -1))))
                (if (i64.eqz (local.get $after))
                  (then
                    (local.set $openMarked (i32.const 1))
                    (br $keysDone)))
                (local.set $p (i32.wrap_i64 (i64.ctz (local.get $after))))
                (if (call $isKey (i32.add (local.get $pos) (local.get $p)))
                  (then
                    (global.set $dottedKey (i32.const 1))
                    (br $keysDone)))
                ;; The marks up to that quote were in the same string.
                (local.set $marked (i64.and (local.get $marked)
                  (i64.xor (i64.sub (i64.shl (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $p))) (i64.const 1)) (i64.const 1)) (i64.const -1))))
                (br $keys)))))
        ;; What to look at one by one, in order: rare bytes and backslashes outside strings, and
        ;; every line feed.
        (local.set $candidates (i64.and (local.get $valid) (i64.or (local.get $lineFeeds)
          (i64.and (i64.or (local.get $rare) (local.get $backslashes)) (i64.xor (local.get $inside) (i64.const -1))))))
        (block $candidatesDone
          (loop $next
            (br_if $candidatesDone (i64.eqz (local.get $candidates)))
            (local.set $p (i32.wrap_i64 (i64.ctz (local.get $candidates))))
            (local.set $at (i32.add (local.get $pos) (local.get $p)))
            (local.set $b (i32.load8_u (local.get $at)))
            (if (i32.eq (local.get $b) (i32.const 10))
              (then
                ;; A line ends. Inside a string, the exact lexer looks at it.
                (if (i64.ne (i64.and (i64.shr_u (local.get $inside) (i64.extend_i32_u (local.get $p))) (i64.const 1)) (i64.const 0))
                  (then (return (local.get $lineStart))))
                (global.set $clean (i32.add (global.get $clean) (i32.const 1)))
                (if (i32.gt_u (i32.sub (local.get $at) (local.get $lineStart)) (global.get $longest))
                  (then (global.set $longest (i32.sub (local.get $at) (local.get $lineStart)))))
                (local.set $lineStart (i32.add (local.get $at) (i32.const 1)))
                (if (i32.lt_u (local.get $lineStart) (local.get $end))
                  (then (if (i32.eqz (call $opensObject (local.get $lineStart))) (then (return (local.get $lineStart)))))))
              (else
                (if (i32.eq (local.get $b) (i32.const 97))
                  ;; `a`: an extension after `n` only (else the `a` of false).
                  (then (if (i32.eq (i32.load8_u (i32.sub (local.get $at) (i32.const 1))) (i32.const 110)) (then (return (local.get $lineStart)))))
                  (else
                    (if (i32.eq (i32.or (local.get $b) (i32.const 32)) (i32.const 125))
                      ;; `}` or `]`: a trailing comma when the previous byte past spaces and tabs is
                      ;; a comma (those bytes are outside strings too: no quote lies between). The
                      ;; line's `{` stops the walk.
                      (then
                        (loop $spaces
                          (local.set $at (i32.sub (local.get $at) (i32.const 1)))
                          (local.set $b (i32.load8_u (local.get $at)))
                          (br_if $spaces (i32.or (i32.eq (local.get $b) (i32.const 32)) (i32.eq (local.get $b) (i32.const 9)))))
                        (if (i32.eq (local.get $b) (i32.const 44)) (then (return (local.get $lineStart)))))
                      ;; i I A N or a backslash, outside strings.
                      (else (return (local.get $lineStart))))))))
            (local.set $candidates (i64.and (local.get $candidates) (i64.sub (local.get $candidates) (i64.const 1))))
            (br $next)))
        (local.set $pos (i32.add (local.get $pos) (i32.const 64)))
        (br $blocks)))
    (local.get $end))
)
