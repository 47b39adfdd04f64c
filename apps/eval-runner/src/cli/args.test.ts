import { describe, expect, it } from 'vitest';
import { UsageError, formatHelp, intList, num, parseCommandArgs, type CommandSpec } from './args.js';

const spec: CommandSpec = {
  name: 'eval',
  summary: 'score a model',
  usage: 'verl eval --model DIR',
  options: {
    model: { type: 'string', value: 'DIR', description: 'model folder' },
    n: { type: 'string', default: '4', description: 'samples per problem' },
    k: { type: 'string', description: 'k values' },
    quiet: { type: 'boolean', short: 'q', description: 'less output' },
  },
};

describe('parseCommandArgs', () => {
  it('parses options with defaults', () => {
    const a = parseCommandArgs(spec, ['--model', 'm', '-q', '--k', '1,4']);
    expect(a.values).toEqual({ model: 'm', n: '4', k: '1,4', quiet: true });
    expect(num(a.values, 'n', { integer: true })).toBe(4);
    expect(intList(a.values, 'k')).toEqual([1, 4]);
  });
  it('gives clear errors', () => {
    expect(() => parseCommandArgs(spec, ['--nope'])).toThrow(UsageError);
    expect(() => parseCommandArgs(spec, ['stray'])).toThrow(/unexpected argument 'stray'/);
    const a = parseCommandArgs(spec, ['--n', 'abc', '--k', '1,0']);
    expect(() => num(a.values, 'n')).toThrow(/--n must be a number, got 'abc'/);
    expect(() => intList(a.values, 'k')).toThrow(/positive integers/);
  });
  it('writes help with every option', () => {
    const h = formatHelp(spec);
    expect(h).toContain('--model DIR');
    expect(h).toContain('(default: 4)');
    expect(h).toContain('-q, --quiet');
    expect(parseCommandArgs(spec, ['--help']).help).toBe(true);
  });
});
