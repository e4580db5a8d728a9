/** Member names given twice in one object (server/http/i-json.ts), found in the text JSON.parse accepted. */
import { describe, expect, it } from 'vitest';
import { iJsonIssues } from '../../server/http/i-json.ts';

const repeatedMembers = (text: string, root: string) => iJsonIssues(text, root).repeated;

describe('repeatedMembers', () => {
  it.each([
    ['{"title":"a","title":"b"}', ['/body/title']],
    // The same name however it is spelt: escapes are decoded before comparing.
    ['{"title":"a","t\\u0069tle":"b"}', ['/body/title']],
    // Each repeated name once, however many times, in the order of the repeats.
    ['{ "a" : 1 , "b" : 2 , "a" : 3 , "a" : 4 , "b": 5 }', ['/body/a', '/body/b']],
    // Nested objects, in arrays, each with a pointer to where it is.
    ['{"tags":["x",{"k":1,"k":2}],"meta":{"deep":{"z":0,"z":1}}}', ['/body/tags/1/k', '/body/meta/deep/z']],
    ['[{"a":1},{"a":1},{"b":1,"b":1}]', ['/body/2/b']],
    // Names that are JSON Pointer syntax are escaped; quotes and backslashes inside strings are not structure.
    ['{"a/b~c":1,"a/b~c":2}', ['/body/a~1b~0c']],
    ['{"s":"\\"a\\":1,\\"a\\":2","t":"\\\\","u":"{\\"x\\":1,\\"x\\":2}"}', []],
    ['{"x":{"a":1},"y":{"a":1}}', []],
    ['{"a":[1,2,{"a":3}],"b":"a"}', []],
    ['"just a string"', []],
    ['[]', []],
  ])('%s → %j', (text, expected) => {
    JSON.parse(text);
    expect(repeatedMembers(text, '/body')).toEqual(expected);
  });

  it('reads a body nested far deeper than any call stack', () => {
    const text = `${'{"a":'.repeat(50_000)}{"b":1,"b":2}${'}'.repeat(50_000)}`;
    expect(repeatedMembers(text, '/body')).toEqual([`/body${'/a'.repeat(50_000)}/b`]);
  });
});
