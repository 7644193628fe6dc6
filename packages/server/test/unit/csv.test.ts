import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvRecord } from '../../src/modules/exports/csv.js';

describe('csvRecord', () => {
  it('quotes per RFC 4180 and ends with CRLF', () => {
    assert.equal(
      csvRecord(['a', 'b,c', 'say "hi"', 'two\nlines', null, undefined, 7]),
      'a,"b,c","say ""hi""","two\nlines",,,7\r\n',
    );
  });

  it('defuses text a spreadsheet would run as a formula, and leaves numbers alone', () => {
    assert.equal(
      csvRecord(['=HYPERLINK("http://evil")', '+1+1', '-2', '@SUM(A1)', '\tx', 'plain', -5, 'a=b']),
      `"'=HYPERLINK(""http://evil"")",'+1+1,'-2,'@SUM(A1),'\tx,plain,-5,a=b\r\n`,
    );
  });
});
