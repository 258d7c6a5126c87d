#!/usr/bin/env node
// Prints a Squid native log with its timestamps moved so that its last line happened a minute ago.
// Cloud Discovery ignores transactions older than 90 days, so the sample log beside this script
// (examples/squid-access.log, recorded on fixed dates) is shifted before it is uploaded:
//
//   node examples/shift-to-now.mjs examples/squid-access.log > access.log
import fs from 'node:fs';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node examples/shift-to-now.mjs <squid-native.log> > shifted.log\n');
  process.exit(2);
}
const lines = fs.readFileSync(file, 'utf8').split('\n');
// Squid native lines start with the epoch time in seconds and milliseconds: "1735725957.142 ...".
const stamp = /^(\d+)(\.\d+)?(\s)/;
const seconds = lines
  .map((l) => stamp.exec(l))
  .filter(Boolean)
  .map((m) => Number(m[1]));
if (seconds.length === 0) {
  process.stderr.write(`${file}: no Squid native lines\n`);
  process.exit(1);
}
const shift = Math.floor(Date.now() / 1000) - 60 - Math.max(...seconds);
process.stdout.write(lines.map((l) => l.replace(stamp, (_, s, ms = '', sp) => `${Number(s) + shift}${ms}${sp}`)).join('\n'));
