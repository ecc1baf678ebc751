/** The `explain` report as the plain JSON object `--format json` prints (field names are contract). */
import { ExplainReport } from './report';

/** The report as plain JSON data (a deep copy, with undefined fields dropped). */
export function renderJson(report: ExplainReport): { [key: string]: any } {
  return JSON.parse(JSON.stringify(report));
}
