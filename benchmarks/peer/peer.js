// The peer of the offline benchmark: five technicalindicators indicators (RSI 14, MACD 12/26/9, Bollinger 20/2,
// ATR 14, Stochastic 14/3) over one bar file. Prints one JSON line: rows, the file parse time, and the median time of
// the indicators over `passes` passes in this process (the first pass warms the JIT and is not counted).
'use strict';
const fs = require('fs');
const ti = require('technicalindicators');

const [file, passesText] = process.argv.slice(2);
const passes = Number(passesText || 1);
const started = process.hrtime.bigint();
const lines = fs.readFileSync(file, 'utf8').split('\n');
const header = lines[0].trim().toLowerCase().split(',');
const col = (name) => header.indexOf(name);
const [h, l, c] = [col('high'), col('low'), col('close')];
const high = [], low = [], close = [];
for (let i = 1; i < lines.length; i++) {
  const f = lines[i].split(',');
  if (f.length < header.length) continue;
  high.push(Number(f[h])); low.push(Number(f[l])); close.push(Number(f[c]));
}
const parsed = process.hrtime.bigint();

function indicators() {
  return ti.RSI.calculate({ values: close, period: 14 }).length
    + ti.MACD.calculate({ values: close, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false }).length
    + ti.BollingerBands.calculate({ values: close, period: 20, stdDev: 2 }).length
    + ti.ATR.calculate({ high, low, close, period: 14 }).length
    + ti.Stochastic.calculate({ high, low, close, period: 14, signalPeriod: 3 }).length;
}

let outputs = indicators();
const times = [];
for (let p = 0; p < passes; p++) {
  const t = process.hrtime.bigint();
  outputs = indicators();
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({
  rows: close.length,
  outputs,
  parse_ms: Number(parsed - started) / 1e6,
  indicators_ms: times.length ? times[Math.floor(times.length / 2)] : Number(process.hrtime.bigint() - parsed) / 1e6,
}));
