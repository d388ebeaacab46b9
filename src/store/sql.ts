/** A string as an SQL literal, for what a statement cannot take as a parameter (a file to COPY to, an enum's values). */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
