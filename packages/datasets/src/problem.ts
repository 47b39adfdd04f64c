/** One evaluation or training item, the unit every other package consumes. */
export interface Problem {
  /** Stable id within its benchmark (the source's own id where it has one, else the 0-based row). */
  id: string;
  /** The question text shown to the model (options of a multiple-choice item stay inline). */
  question: string;
  /** The gold answer as the benchmark's gold-answer rule gives it (not normalised further). */
  answer: string;
  /** Registry name of the benchmark or training set the item came from. */
  benchmark: string;
  /** Multiple-choice options by letter, parsed from the question ("A" -> option text). */
  options?: Record<string, string>;
  /** Source fields kept for reports and analysis (solution, level, subject, url, raw gold...). */
  meta?: Record<string, unknown>;
}
