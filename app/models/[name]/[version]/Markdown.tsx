import type { ReactNode } from "react";

/**
 * The small markdown subset report.md uses (headings, paragraphs, lists, pipe tables, bold,
 * inline code, images) rendered as React elements — no HTML injection. Images resolve relative
 * to the bundle (plots/x.svg → the plots API).
 */
export function Markdown({ source, resolveImage }: { source: string; resolveImage: (src: string) => string | null }) {
  const lines = source.replace(/\r\n/g, "\n").split("\n");
  const out: ReactNode[] = [];
  let i = 0;
  let k = 0;
  const inline = (s: string): ReactNode[] => {
    const parts: ReactNode[] = [];
    const re = /(!\[([^\]]*)\]\(([^)\s]+)\))|(\*\*([^*]+)\*\*)|(`([^`]+)`)|(\[([^\]]+)\]\(([^)\s]+)\))/g;
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s))) {
      if (m.index > last) parts.push(s.slice(last, m.index));
      if (m[1]) {
        const src = resolveImage(m[3]);
        // eslint-disable-next-line @next/next/no-img-element -- report plots are small SVGs from a session-checked API route; next/image's optimiser would fetch them without the session
        parts.push(src ? <img key={k++} src={src} alt={m[2]} className="md-img" loading="lazy" /> : <em key={k++}>[{m[2]}]</em>);
      } else if (m[4]) parts.push(<strong key={k++}>{m[5]}</strong>);
      else if (m[6]) parts.push(<code key={k++}>{m[7]}</code>);
      else if (m[8]) parts.push(/^(https?:|\/)/.test(m[10]) ? <a key={k++} href={m[10]}>{m[9]}</a> : m[9]);
      last = m.index + m[0].length;
    }
    if (last < s.length) parts.push(s.slice(last));
    return parts;
  };
  const cells = (row: string) => row.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim());
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) { i++; continue; }
    const h = /^(#{1,4})\s+(.*)$/.exec(line);
    if (h) {
      const level = Math.min(4, h[1].length + 1);
      const Tag = `h${level}` as "h2" | "h3" | "h4";
      out.push(<Tag key={k++}>{inline(h[2])}</Tag>);
      i++;
      continue;
    }
    if (line.trim().startsWith("|") && lines[i + 1]?.trim().match(/^\|?\s*:?-{3,}/)) {
      const head = cells(line);
      i += 2;
      const body: string[][] = [];
      while (i < lines.length && lines[i].trim().startsWith("|")) body.push(cells(lines[i++]));
      out.push(
        <div className="table-scroll" key={k++}>
          <table className="md-table">
            <thead><tr>{head.map((c, j) => <th key={j}>{inline(c)}</th>)}</tr></thead>
            <tbody>{body.map((r, ri) => <tr key={ri}>{r.map((c, j) => <td key={j}>{inline(c)}</td>)}</tr>)}</tbody>
          </table>
        </div>,
      );
      continue;
    }
    if (/^\s*[-*]\s+/.test(line)) {
      const items: string[] = [];
      while (i < lines.length && /^\s*[-*]\s+/.test(lines[i])) items.push(lines[i++].replace(/^\s*[-*]\s+/, ""));
      out.push(<ul key={k++}>{items.map((t, j) => <li key={j}>{inline(t)}</li>)}</ul>);
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i].trim() && !/^(#{1,4}\s|\s*[-*]\s|\|)/.test(lines[i])) para.push(lines[i++]);
    if (!para.length) para.push(lines[i++]);
    out.push(<p key={k++}>{inline(para.join(" "))}</p>);
  }
  return <div className="markdown">{out}</div>;
}
