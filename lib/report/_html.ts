/**
 * Building blocks of the self-contained HTML reports: escaping, tables, figures and the page
 * shell with its inline stylesheet. Nothing here refers to anything outside the file, so a
 * report opens from disk with no network.
 *
 * @module
 */

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

/** An SVG document as an `<img>` source (keeps each chart's ids apart from the page's). */
export function svgDataUri(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

/** A table with a header row; cells are escaped, numeric-looking cells right-aligned. */
export function htmlTable(header: string[], rows: (string | number)[][], className = ""): string {
  const cell = (tag: "th" | "td", value: string | number) => {
    const text = `${value}`;
    const numeric = /^[-+−]?[\d,.]+ ?%?$/.test(text) ? ' class="num"' : "";
    return `<${tag}${numeric}>${escapeHtml(text)}</${tag}>`;
  };
  return `<table class="${className}"><thead><tr>${header.map((h) => cell("th", h)).join("")}` +
    `</tr></thead><tbody>${
      rows.map((r) => `<tr>${r.map((v) => cell("td", v)).join("")}</tr>`).join("")
    }</tbody></table>`;
}

/** A two-column table of labelled values (recipe, metadata); values are escaped. */
export function htmlKeyValue(rows: [string, string | number][], className = ""): string {
  return `<table class="kv ${className}"><tbody>${
    rows.map(([key, value]) =>
      `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(`${value}`)}</td></tr>`
    )
      .join("")
  }</tbody></table>`;
}

/** A figure: the chart inline (as a data URI) plus a link to its PNG beside the page. */
export function htmlFigure(src: string, alt: string, pngName?: string): string {
  const link = pngName
    ? `<figcaption><a href="${escapeHtml(pngName)}">${escapeHtml(pngName)}</a></figcaption>`
    : "";
  return `<figure><img src="${src}" alt="${escapeHtml(alt)}">${link}</figure>`;
}

/** A section with an id (used by tests and the table of contents) and a heading. */
export function htmlSection(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

const STYLE = `
body{font-family:system-ui,-apple-system,"DejaVu Sans",sans-serif;margin:2rem auto;max-width:1100px;
padding:0 1rem;color:#222;background:#fff}
h1{font-size:1.6rem}h2{font-size:1.2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.25rem .6rem;text-align:left}th{background:#f4f6f8}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:.5rem 0}figure img{max-width:100%;height:auto}
figcaption{font-size:.8rem;color:#666}nav a{margin-right:.8rem}.metric{font-size:1.1rem}
pre{background:#f4f6f8;padding:.5rem;overflow-x:auto}`;

/** The whole page: title, a table of contents from the sections, and the sections. */
export function htmlPage(title: string, sections: { id: string; title: string; html: string }[]) {
  const nav = sections.map((s) => `<a href="#${s.id}">${escapeHtml(s.title)}</a>`).join("");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1><nav>${nav}</nav>
${sections.map((s) => htmlSection(s.id, s.title, s.html)).join("\n")}
</body></html>
`;
}
