import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { Report } from './model.js';
import { renderText } from './text.js';

/** The formats of `log show --format`, each a pure renderer of the one report model. */
export const REPORT_FORMATS = ['text', 'md', 'html', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(s: string): s is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(s);
}

/** The JSON report: the model itself, tagged with a format name and version. */
export function renderJson(r: Report): string {
  return `${JSON.stringify({ format: 'talos-dr-report', version: 1, ...r }, null, 2)}\n`;
}

export function renderReport(format: ReportFormat, r: Report): string {
  switch (format) {
    case 'text':
      return renderText(r);
    case 'md':
      return renderMarkdown(r);
    case 'html':
      return renderHtml(r);
    case 'json':
      return renderJson(r);
  }
}

export { reportFromText } from './build.js';
export type { Report } from './model.js';
