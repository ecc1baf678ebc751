/**
 * `npm run bench [-- filter]`: runs every scenario in bench/scenarios/, prints a table of median ratios
 * (ours / baseline) and writes bench/results.json.
 */
import * as fs from 'fs';
import * as path from 'path';
import { machine, runScenario, Scenario, ScenarioResult } from './harness';

async function main() {
  const filter = process.argv.slice(2).join(' ').toLowerCase();
  const dir = path.join(__dirname, 'scenarios');
  const scenarios: Scenario[] = [];
  for (const f of fs
    .readdirSync(dir)
    .filter((x) => x.endsWith('.ts'))
    .sort()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(dir, f));
    for (const s of (mod.scenarios ?? []) as Scenario[]) {
      if (!filter || `${f} ${s.name} ${s.metric}`.toLowerCase().includes(filter)) scenarios.push(s);
    }
  }
  const results: ScenarioResult[] = [];
  for (const s of scenarios) {
    const r = await runScenario(s);
    results.push(r);
    process.stderr.write(`. ${r.name} / ${r.metric}\n`);
  }
  const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3));
  const rows = results.map((r) => [
    r.name,
    r.metric,
    fmt(r.ours),
    fmt(r.baseline),
    r.ratio.toFixed(3),
    r.goal,
    r.met ? 'yes' : 'NO',
  ]);
  const head = ['scenario', 'metric', 'ours', 'baseline', 'ratio', 'goal', 'met'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  const out = { date: new Date().toISOString(), machine: machine(), scenarios: results };
  fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(out, null, 2) + '\n');
  console.log(`\n${results.filter((r) => r.met).length}/${results.length} goals met; wrote bench/results.json`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
