import { describe, expect, it } from 'vitest';
import { wholeValueRegex } from '../src/clickhouse/query.ts';
import { RowBinaryWriter } from '../src/clickhouse/row-binary.ts';
import { sqlIdentifier, sqlInteger, sqlString } from '../src/clickhouse/sql.ts';

// What ClickHouse reads back from these is checked against a real server in clickhouse-query.test.ts;
// here, the text itself, so the rules hold where clickhouse-server is not installed.

describe('SQL text for ClickHouse', () => {
  it('quotes strings with backslash escapes', () => {
    expect(sqlString('plain')).toBe("'plain'");
    expect(sqlString("it's")).toBe("'it\\'s'");
    expect(sqlString('a\\b')).toBe("'a\\\\b'");
    expect(sqlString("\\'")).toBe("'\\\\\\''");
    expect(sqlString('a\nb\r\tc\0')).toBe("'a\\nb\\r\\tc\\0'");
    expect(sqlString('ü\u{1F680}`"')).toBe("'ü\u{1F680}`\"'");
  });

  it('quotes identifiers with backticks', () => {
    expect(sqlIdentifier('metrics')).toBe('`metrics`');
    expect(sqlIdentifier("we`ird 'ta\\ble")).toBe("`we\\`ird 'ta\\\\ble`");
    expect(() => sqlIdentifier('')).toThrow(RangeError);
  });

  it('writes integers only', () => {
    expect(sqlInteger(8.64e15)).toBe('8640000000000000');
    expect(() => sqlInteger(1.5)).toThrow(RangeError);
    expect(() => sqlInteger(Number.NaN)).toThrow(RangeError);
  });

  it('anchors a regex for the whole value, without dot_nl, closing a trailing \\Q', () => {
    expect(wholeValueRegex('web-.*')).toBe('^(?-s:web-.*)$');
    expect(wholeValueRegex('a|b')).toBe('^(?-s:a|b)$');
    expect(wholeValueRegex('\\Qa.b')).toBe('^(?-s:\\Qa.b\\E)$');
    expect(wholeValueRegex('\\Qa.b\\E.*')).toBe('^(?-s:\\Qa.b\\E.*)$');
    expect(wholeValueRegex('\\\\Q')).toBe('^(?-s:\\\\Q)$'); // an escaped backslash, then Q: no quote
    expect(wholeValueRegex('\\Q\\\\E')).toBe('^(?-s:\\Q\\\\E)$'); // in a quote only \E counts
    expect(() => wholeValueRegex('a)|(b')).toThrow(/invalid regex/);
    expect(() => wholeValueRegex('(')).toThrow(/invalid regex/);
  });
});

describe('RowBinary', () => {
  it('writes LEB128 lengths, little-endian numbers and UTF-8', () => {
    const out = new RowBinaryWriter(4); // small: grows on the way
    out.string('é').strings(['a', 'b']).int64(-2).int64(2 ** 40 + 3).uint32(7).float64(0.1).string('x'.repeat(300));
    const b = out.bytes();
    expect([...b.subarray(0, 7)]).toEqual([2, 0xc3, 0xa9, 2, 1, 0x61, 1]);
    expect(b.readBigInt64LE(8)).toBe(-2n);
    expect(b.readBigInt64LE(16)).toBe(2n ** 40n + 3n);
    expect(b.readUInt32LE(24)).toBe(7);
    expect(b.readDoubleLE(28)).toBe(0.1);
    expect([...b.subarray(36, 38)]).toEqual([0xac, 0x02]); // 300
    expect(b.length).toBe(38 + 300);
  });
});
