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
  it('issue 13 point 9: --n -3 is read as a value and fails the range check, not as an ambiguous option', () => {
    const a = parseCommandArgs(spec, ['--n', '-3', '--k', '-1,2']);
    expect(a.values.n).toBe('-3');
    expect(() => num(a.values, 'n', { integer: true, min: 1 })).toThrow('--n must be ≥ 1, got -3');
    expect(() => intList(a.values, 'k')).toThrow(/--k must be a comma-separated list of positive integers, got '-1,2'/);
    expect(parseCommandArgs(spec, ['--n', '-0.5']).values.n).toBe('-0.5');
    // a flag after a valued option is still a flag
    expect(() => parseCommandArgs(spec, ['--model', '-q'])).toThrow(UsageError);
  });
  it('issue 13 point 9: parse errors carry no command prefix (the CLI adds `verl <command>:` once)', () => {
    expect(() => parseCommandArgs(spec, ['--nope'])).toThrow(/^Unknown option '--nope'$/);
    expect(() => parseCommandArgs(spec, ['stray'])).toThrow(/^unexpected argument 'stray'$/);
  });
  it('writes help with every option', () => {
    const h = formatHelp(spec);
    expect(h).toContain('--model DIR');
    expect(h).toContain('(default: 4)');
    expect(h).toContain('-q, --quiet');
    expect(parseCommandArgs(spec, ['--help']).help).toBe(true);
  });
});
