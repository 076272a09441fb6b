// Hostile strings and names for the SQL back end: a definition whose strings, names and source
// text try every way to end a literal, an identifier or a comment early. Shared by the
// injection test (executed, lexed) and the parser test (parsed per dialect).

/** Strings that try to end a literal early in some dialect. */
export const HOSTILE = [
  "'; DROP TABLE leads; --",
  "it's",
  "''",
  "\\",
  "\\'",
  "\\'; DROP TABLE leads; --",
  "back\\slash",
  "*/ DROP TABLE leads; /*",
  "-- comment",
  "line\nbreak",
  "tab\there",
  "\r\n",
  '"double" quotes',
  "`backtick`",
  "$$ dollar $$",
  "%_ wildcards",
  "ünïcödé 😀 中文",
  "",
  " ",
  // dbt renders its models as Jinja templates
  "{{ var('x') }}",
  "{% if true %}x{% endif %}",
  "{# comment #}",
  "{{{",
];

/** How a .leaddef string literal spells `s`. */
function leaddefString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t")}"`;
}

// Names: every character the grammar allows is a letter, digit or `_`, so the hostile names are
// SQL keywords and names that clash with what the query writes itself.
export const HOSTILE_SOURCE = `schema {
  select.from: string?
  drop.table: enum(union, null, where, leads, Leads)?
  order.by: list(string)?
}

${HOSTILE.map((h, i) => `criterion select_${i} when select.from = ${leaddefString(h)}`).join("\n")}
${HOSTILE.map((h, i) => `criterion contains_${i} when select.from contains ${leaddefString(h)}`).join("\n")}
${HOSTILE.map((h, i) => `criterion listed_${i} when order.by contains ${leaddefString(h)}`).join("\n")}
criterion union when drop.table = union or drop.table >= leads
# Source text is copied into SQL comments: none of these comment texts may end one early.
criterion commented when # */ DROP TABLE leads; /*
  select.from is present # \r DROP TABLE leads; --
  and select.from != "x" # \u2028 DROP TABLE leads; \u0085 DROP TABLE leads; \v\f DROP TABLE leads;
  and select.from != "y" # Spark continues a comment that ends in a backslash \\
  and select.from != "z"

score select {
  +1 when select.from starts with ${leaddefString("'; DROP")}
  +2 when union
}
score leaddef_id { +1 when drop.table is present }
score f0 { +1 when order.by is missing }

drop when select > 0
where when drop and union
`;

