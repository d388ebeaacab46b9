/**
 * The analyze benchmark's reference: the same metrics as plain DuckDB queries
 * over the same database (names resolved through its catalog table), results
 * read back but not rendered.
 */
import { DuckDBInstance } from '@duckdb/node-api';

const [db] = process.argv.slice(2);
const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
const conn = await instance.connect();
const named = `(SELECT r.*, coalesce(c.model, r.model) AS cmodel, coalesce(c.family, r.model) AS family,
  coalesce(c.line, r.model) AS line, c.release_date, r.input_tokens + r.output_tokens AS demand
  FROM requests r LEFT JOIN (SELECT DISTINCT ON (alias) * FROM catalog) c ON c.alias = r.model)`;
const queries = [
  // concentration by family
  `WITH f AS (SELECT family, sum(demand) AS d FROM ${named} GROUP BY 1), t AS (SELECT sum(d) AS total, count(*) AS n FROM f),
   r AS (SELECT d, row_number() OVER (ORDER BY d) AS i FROM f)
   SELECT (SELECT max(d) FROM f) / total, (SELECT sum(d * d) FROM f) / (total * total),
          (SELECT sum((2 * i - n - 1) * d) FROM r) / (n * total) FROM t`,
  // version inertia: daily superseded share per line
  `WITH x AS (SELECT CAST(ts AS DATE) AS day, line, release_date, demand FROM ${named}),
   rel AS (SELECT DISTINCT line, release_date FROM catalog WHERE release_date IS NOT NULL)
   SELECT line, day, sum(demand) FILTER (WHERE EXISTS (SELECT 1 FROM rel WHERE rel.line = x.line
     AND rel.release_date > x.release_date AND rel.release_date <= x.day)) / sum(demand) FROM x GROUP BY 1, 2`,
  // supply vs use
  `WITH l AS (SELECT c.model, count(DISTINCT o.provider) AS breadth FROM offerings o JOIN catalog c ON c.alias = o.model GROUP BY 1),
   u AS (SELECT cmodel AS model, sum(demand) AS d FROM ${named} GROUP BY 1)
   SELECT corr(rank_b, rank_d) FROM (SELECT rank() OVER (ORDER BY breadth) AS rank_b, rank() OVER (ORDER BY d) AS rank_d FROM l JOIN u USING (model))`,
  // supply vs use per provider: models listed vs models with >= 1% of the provider's demand
  `WITH d AS (SELECT provider, cmodel, sum(demand) AS d FROM ${named} GROUP BY 1, 2),
   u AS (SELECT provider, count(*) FILTER (WHERE d >= 0.01 * total) AS used FROM (SELECT *, sum(d) OVER (PARTITION BY provider) AS total FROM d) GROUP BY 1),
   l AS (SELECT o.provider, count(DISTINCT c.model) AS listed FROM offerings o JOIN catalog c ON c.alias = o.model GROUP BY 1)
   SELECT * FROM l FULL JOIN u USING (provider)`,
  // heterogeneity: medians per provider and model from latency where measured, else from the logged requests
  // (SPEC: "using latency measurements where present and otherwise the logged requests"), prices in force
  `WITH m AS (SELECT provider, c.model, median(ttft_ms) FILTER (WHERE ok) AS ttft, median(tps) FILTER (WHERE ok) AS tps,
     avg(CASE WHEN ok THEN 0 ELSE 1 END) AS err FROM latency l JOIN catalog c ON c.alias = l.model GROUP BY 1, 2),
   g AS (SELECT provider, cmodel AS model, median(ttft_ms) FILTER (WHERE status = 'ok') AS ttft,
     median(output_tokens / ((latency_ms - ttft_ms) / 1000)) FILTER (WHERE status = 'ok' AND latency_ms > ttft_ms) AS tps,
     avg(CASE WHEN status = 'error' THEN 1 ELSE 0 END) AS err FROM ${named} GROUP BY 1, 2),
   s AS (SELECT provider, model, coalesce(m.ttft, g.ttft) AS ttft, coalesce(m.tps, g.tps) AS tps, coalesce(m.err, g.err) AS err
     FROM m FULL JOIN g USING (provider, model)),
   p AS (SELECT provider, c.model, arg_max(input_price, ts) AS inp, arg_max(output_price, ts) AS outp FROM prices pr JOIN catalog c ON c.alias = pr.model GROUP BY 1, 2)
   SELECT model, stddev_pop(inp) / avg(inp), stddev_pop(ttft) / avg(ttft), stddev_pop(tps) / avg(tps) FROM s FULL JOIN p USING (provider, model) GROUP BY 1`,
  // task regimes
  `SELECT task, count(*), quantile_cont(input_tokens, [0.5, 0.9, 0.99]), quantile_cont(output_tokens, [0.5, 0.9, 0.99]),
     avg(output_tokens / input_tokens) FILTER (WHERE input_tokens > 0) FROM requests GROUP BY 1`,
  // data quality
  `SELECT min(ts), max(ts), count(*), count(*) FILTER (WHERE ttft_ms IS NULL), count(*) FILTER (WHERE latency_ms IS NULL) FROM requests`,
];
try {
  for (const q of queries) await conn.runAndReadAll(q);
} finally {
  conn.closeSync();
  instance.closeSync();
}
