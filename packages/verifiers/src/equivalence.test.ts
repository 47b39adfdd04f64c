// Equivalence rules, one family per block. These are independent of grader-cases.jsonl.
import { afterAll, describe, expect, it } from 'vitest';
import { isEquivalent } from './grade.js';
import { CasPool } from './worker-pool.js';

const pool = new CasPool(1);
afterAll(() => pool.close());

type Row = [pred: string, gold: string, expected: boolean];

function table(title: string, rows: Row[], ordered = false) {
  describe(title, () => {
    for (const [a, b, want] of rows) {
      it(`${JSON.stringify(a)} ${want ? '==' : '!='} ${JSON.stringify(b)}`, async () => {
        expect(await isEquivalent(a, b, { pool, ordered, timeoutMs: 30_000 })).toBe(want);
      });
    }
  });
}

table('numbers: exact rationals; tolerance only for a decimal of a non-terminating value', [
  ['0.5', '\\frac{1}{2}', true],
  ['0.50', '.5', true],
  ['1/3', '0.333', false],
  // decimal-approximation.ts: ≥ 3 places, a correct rounding, within 1e-4 relative
  ['0.3333333333', '\\frac13', true],
  ['2.6667', '\\frac{8}{3}', true],
  ['\\frac{8}{3}', '-2.6667', false],
  ['2.6666', '\\frac{8}{3}', false], // truncated, not rounded
  ['2.6668', '\\frac{8}{3}', false],
  ['0.142857', '\\frac{1}{7}', true],
  ['0.1429', '\\frac{1}{7}', false], // 3e-4 relative: too coarse
  ['0.143', '\\frac{1}{7}', false],
  ['4.67', '\\frac{14}{3}', false],
  ['1.0001', '1', false],
  ['0.2501', '\\frac14', false],
  ['(0.6, 2.6667]', '(\\frac35, \\frac83]', true],
  // approximatesIrrational: ≥ 4 places and 4 significant digits, rounded or truncated, 1e-4
  ['1.4142135623', '\\sqrt{2}', true], // truncated
  ['1.4142135624', '\\sqrt{2}', true], // rounded
  ['1.4142135625', '\\sqrt{2}', false],
  ['1.4142135622', '\\sqrt{2}', false],
  ['3.14159', '\\pi', true],
  ['3.1416', '\\pi', true],
  ['3.1417', '\\pi', false],
  ['3.142', '\\pi', false], // 3 places: too coarse
  ['3', '\\pi', false],
  ['-1.4142', '-\\sqrt2', true],
  ['1.4142', '-\\sqrt2', false],
  ['0.7854', '\\frac{\\pi}{4}', true],
  ['2.7183', 'e', true],
  ['0.6931', '\\ln 2', true],
  ['0.001414', '\\frac{\\sqrt2}{1000}', false], // 1.5e-4 relative
  ['0.0014142', '\\frac{\\sqrt2}{1000}', true],
  ['1.4142', '\\sqrt{2}+x', false], // not a closed form
  ['0.6667', '\\sqrt{\\frac49}', true], // the value is 2/3: the rational rule decides
  ['0.6666', '\\sqrt{\\frac49}', false],
  ['0.5001', '\\sin\\frac{\\pi}{6}', false], // the value is 1/2, which terminates
  ['(1.4142, 3.1416)', '(\\sqrt2,\\pi)', true],
  ['\\pi', '3.1416', true],
  // computed decimals (more than 6 places) agree when equal rounded to 6 places
  ['0.0314159', '0.031415927', true],
  ['0.0314159', '0.031416927', false],
  ['1.0000001', '1', true],
  ['0.0000001', '0.0000002', false], // alike at 6 places, but 100% apart
  ['2.232', '2.23', false],
  ['18.001', '18', false],
  ['0.18', '18', false],
  ['1800', '18', false],
  ['-0', '0', true],
  ['+7', '7', true],
  ['2.5\\times10^{3}', '2500', true],
  ['6.02e23', '6.02 \\times 10^{23}', true],
  ['3.0E-4', '0.0003', true],
  ['10^{-3}', '1e-3', true],
  ['1,234,567', '1234567', true],
  ['1{,}000', '1000', true],
  ['12,\\!345', '12345', true],
  ['12,345', '12346', false],
]);

table('percent, currency, units, degrees', [
  ['40\\%', '40', true],
  ['28 percent', '28\\%', true],
  ['0.28', '28 pct', true],
  ['1 000 000', '1000000', true],
  ['1 000', '1', false],
  ['0.4', '40\\%', true],
  ['0.4', '40', false],
  ['\\$1,250.00', '1250', true],
  ['12 \\text{ cm}^2', '12', true],
  ['12 \\mbox{ square feet}', '12', true],
  ['5 apples', '5', true],
  ['30^\\circ', '30', true],
  ['30°', '30^{\\circ}', true],
  ['30 degrees', '30', true],
  ['45^\\circ', '30', false],
]);

table('mixed numbers, fractions and roots', [
  ['2\\frac{1}{4}', '\\frac94', true],
  ['2 \\frac{1}{4}', '2.25', true],
  ['2\\frac{1}{4}', '\\frac{1}{2}', false],
  ['\\frac{\\sqrt{8}}{2}', '\\sqrt2', true],
  ['\\sqrt{18}', '3\\sqrt{2}', true],
  ['\\sqrt[3]{27}', '3', true],
  ['\\sqrt[3]{16}', '2\\sqrt[3]{2}', true],
  ['\\sqrt{117.000001}', '3\\sqrt{13}', false], // 4e-9 apart: only the CAS (64 digits) tells
  ['\\frac{1}{\\sqrt{2}}', '\\frac{\\sqrt{2}}{2}', true],
  ['2^{1/2}', '\\sqrt{2}', true],
  ['\\pi/4', '\\frac{\\pi}{4}', true],
  ['0.785', '\\frac{\\pi}{4}', false],
  ['e^{2}', '\\exp(2)', true],
  ['\\log_2 8', '3', true],
  ['\\sqrt[3]{-8}', '-2', true],
  ['8 \\cdot 2^{7/10}', '8(\\sqrt[10]{2^{7}})', true],
  ['12\\times18\\times11', '2376', true],
  ['\\ln(e^3)', '3', true],
]);

table('expressions (random-point identity in the CAS)', [
  ['(x+1)^2', 'x^2+2x+1', true],
  ['(x+1)^2', 'x^2+x+1', false],
  ['\\frac{x^2-1}{x-1}', 'x+1', true],
  ['2\\sin x\\cos x', '\\sin 2x', true],
  ['\\sin^2 x + \\cos^2 x', '1', true],
  ['\\tan^{-1}(1)', '\\frac{\\pi}{4}', true],
  ['ab', 'ba', true],
  ['a-b', 'b-a', false],
  ['\\binom{5}{2}', '10', true],
  ['5!', '120', true],
  ['|x|', 'x', false],
  ['\\sqrt{x^2}', '|x|', true],
  ['\\ln(x^2)', '2\\ln x', true],
  ['\\sqrt{x^2-4}', '\\sqrt{x-2}\\sqrt{x+2}', true],
]);

table('complex numbers', [
  ['3+4i', '4i+3', true],
  ['(1+i)^2', '2i', true],
  ['\\frac{1}{i}', '-i', true],
  ['1-\\mathrm{i}', '1-i', true],
  ['1+i', '1-i', false],
  ['e^{i\\pi}', '-1', true],
]);

table('intervals: endpoint types matter', [
  ['[1, 5)', '[1,5)', true],
  ['(1, 5)', '[1,5)', false],
  ['x \\in (-\\infty, 3]', '(-\\infty,3]', true],
  ['(-\\infty, 3]', 'x \\le 3', true],
  ['x < 3', '(-\\infty,3]', false],
  ['1 \\le x < 5', '[1,5)', true],
  ['5 > x \\geq 1', '[1,5)', true],
  ['(0,1)\\cup(2,3)', '(2,3)\\cup(0,1)', true],
  ['(0,1)\\cup(2,3]', '(0,1)\\cup(2,3)', false],
  ['\\{x \\mid x > 2\\}', '(2,+\\infty)', true],
  ['[\\frac{1}{2}, 2]', '[0.5, 2]', true],
  ['x < -3 \\text{ or } x > 3', '(-\\infty,-3)\\cup(3,\\infty)', true],
  ['x < -3 \\text{ or } x \\geq 3', '(-\\infty,-3)\\cup(3,\\infty)', false],
  ['[-2, 1)', '\\{x|-2\\leq x < 1\\}', true],
]);

table('sets and unordered solution lists', [
  ['\\{3, 1, 2\\}', '\\{1,2,3\\}', true],
  ['\\{1, 2\\}', '\\{1,2,3\\}', false],
  ['2, -3', '-3, 2', true],
  ['2, -3', '-3, 2, 2', false],
  ['x=2 \\text{ or } x=-3', '-3, 2', true],
  ['\\pm 2', '2, -2', true],
  ['\\pm 2', '2', false],
  ['\\frac{-1 \\pm \\sqrt{5}}{2}', '\\frac{-1+\\sqrt5}{2}, \\frac{-1-\\sqrt5}{2}', true],
  ['\\{-2\\}', '-2', true],
]);

table('ordered lists (fill-in blanks)', [
  ['3, 5', '3,5', true],
  ['5, 3', '3,5', false],
  ['9 \\text{ or } 5', '5 or 9', true],
], true);

table('approximations after the exact value, vectors', [
  ['\\frac{14}{3} \\approx 4.67', '\\frac{14}{3}', true],
  ['x = \\frac{14}{3} \\approx 4.67', '\\frac{14}{3}', true],
  ['4.67', '\\frac{14}{3}', false],
  ['\\langle 1, -2 \\rangle', '(1,-2)', true],
]);

table('function definitions: the argument is a bound variable (bound-variables.ts)', [
  ['f(x) = x', 'f(n) = n', true],
  ['f(t) = 2t + 1', 'f(x)=2x+1', true],
  ['f(x) = x^2', 'f(n) = n', false],
  ['g(t) = 2t + 1', 'f(x)=2x+1', false], // another function
  ['f(x) = x + n', 'f(n) = 2n', false], // n is taken: no rename
  ['f(x)', 'f(y)', false], // no definition: free variables stay apart
  ['ab = 1', 'ac = 1', false],
  ['W(x)=1orW(x)=-1', 'W(n) = 1 \\text{ and } W(n) = -1', true], // "or" glued
  ['x=1orx=2', 'x=2 or x=1', true],
  ['x=1orx=3', 'x=2 or x=1', false],
  ['3or5', '5, 3', true],
]);

table('tuples and matrices: order matters', [
  ['(1, 2)', '(1,2)', true],
  ['(2, 1)', '(1,2)', false],
  ['(\\frac12, -3, 0)', '(0.5,-3,0)', true],
  ['\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}', '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', true],
  ['\\begin{pmatrix} 1 & 2 \\\\ 4 & 3 \\end{pmatrix}', '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', false],
  ['\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}', '\\begin{pmatrix} 1 & 2 \\end{pmatrix}', false],
]);

table('equations and labels', [
  ['x = 4', '4', true],
  ['y=3x-2', 'y = -2 + 3x', true],
  ['2y = 6x - 4', 'y=3x-2', true],
  ['y = 3x + 2', 'y=3x-2', false],
  ['x^2 + y^2 = 4', '\\frac{x^2}{4}+\\frac{y^2}{4}=1', true],
  ['f(x) = 2x+1', '2x+1', true],
  ['k = 3', '3', true],
  ['k = 4', '3', false],
  ['x = 1, y = 2', '(1,2)', true],
  ['x = 2, y = 1', '(1,2)', false],
]);

table('units and notation written out', [
  ['4.5 \\times 10^{33} \\mathrm{ergs~s}^{-1}', '4.5e33', true],
  ['4.5e33 erg/s', '4.5e33', true],
  ['12 cm^2', '12', true],
  ['3 ab', '3', false],
  ['2xy', '2', false],
  ['1.5 × 10⁻³', '0.0015', true],
  ['x²+1', 'x^2+1', true],
  ['36\\sqrt{7}', '36\\sqrt{7}cm^{3}', true],
  ['576\\pi', '576\\pi\\;m^{2}', true],
  ['1cm', '1', true],
  ['\\frac{37}{4}', '\\frac{37}{4} m', false],
  ['4m^2', '4', false],
]);

table('text answers', [
  ['\\text{East}', 'east', true],
  ['\\textbf{north}', '\\text{east}', false],
  ['seat', 'east', false],
  ['eighteen', '18', true],
  ['one hundred and five', '105', true],
  ['\\text{an ellipse}', '\\text{ellipse}', true],
  ['\\varnothing', '\\emptyset', true],
  ['\\{\\}', '\\emptyset', true],
  ['0.\\overline{3}', '\\frac13', true],
  ['1.2\\overline{45}', '\\frac{137}{110}', true],
  ['0.\\overline{3}', '0.3', false],
  ['\\mathbb{R}', '(-\\infty,\\infty)', true],
  ['x \\in \\mathbb{R}', '(-\\infty, +\\infty)', true],
]);
