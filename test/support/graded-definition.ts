// A definition with a grade, two disqualifications (one reason with a comma and quotes) and an
// outcome: shared by the grade/disqualify tests and the text staging tests.

export const GRADED_DEFINITION = `schema {
  company.employees: integer?
  company.industry: enum(financial_services, telecom, education, other)
  contact.email: string?
  engagement.score: number
  deal.won: boolean?
}

grade fit_grade {
  A when company.employees >= 1_000 and company.industry in [financial_services, telecom]
  B when company.employees >= 200
  C when company.employees is present
  else D
}

disqualify when company.industry = education because "not a market we sell to"
disqualify when contact.email ends with "@competitor.com" because "competitor, \\"direct\\""

outcome won when deal.won

mql when fit_grade in [A, B] and engagement.score >= 60
sql when mql and fit_grade = A
`;
