/**
 * What a built page links to and what it can be linked to: every URL in `href`, `src`,
 * `srcset` and `poster` (with the link's text or the image's alt, to name it to the author),
 * and every `id` (and `<a name>`) a `#fragment` may point at. Parsed with htmlparser2.
 */
import { Parser } from 'htmlparser2';

export interface PageRef {
  /** The URL as written in the page. */
  url: string;
  tag: string;
  attribute: string;
  /** The link's text, an image's alt, or '' when it has none. */
  label: string;
}

export interface PageLinks {
  refs: PageRef[];
  ids: Set<string>;
}

const URL_ATTRIBUTES: Record<string, readonly string[]> = {
  a: ['href'],
  area: ['href'],
  link: ['href'],
  img: ['src', 'srcset'],
  source: ['src', 'srcset'],
  script: ['src'],
  video: ['src', 'poster'],
  audio: ['src'],
  iframe: ['src'],
};

/**
 * The URLs of a `srcset`, read as the HTML standard does: a URL is a run of non-space
 * characters (commas inside it belong to it, trailing ones end it), then descriptors up to a comma.
 */
export function srcsetUrls(srcset: string): string[] {
  const urls: string[] = [];
  let i = 0;
  while (i < srcset.length) {
    while (i < srcset.length && /[\s,]/.test(srcset[i]!)) i++;
    const start = i;
    while (i < srcset.length && !/\s/.test(srcset[i]!)) i++;
    let url = srcset.slice(start, i);
    const ended = /,+$/.test(url);
    url = url.replace(/,+$/, '');
    if (url !== '') urls.push(url);
    if (!ended) while (i < srcset.length && srcset[i] !== ',') i++;
  }
  return urls;
}

export function pageLinks(html: string): PageLinks {
  const refs: PageRef[] = [];
  const ids = new Set<string>();
  // Links still open, whose text is being collected.
  const open: PageRef[] = [];
  const parser = new Parser(
    {
      onopentag(tag, attributes) {
        if (attributes.id) ids.add(attributes.id);
        if (tag === 'a' && attributes.name) ids.add(attributes.name);
        for (const attribute of URL_ATTRIBUTES[tag] ?? []) {
          const value = attributes[attribute];
          if (value === undefined) continue;
          // A <link rel=preconnect> or similar names a host, not a file of the site.
          if (tag === 'link' && /\b(preconnect|dns-prefetch)\b/.test(attributes.rel ?? '')) continue;
          const label = attributes.alt ?? attributes.title ?? '';
          const urls = attribute === 'srcset' ? srcsetUrls(value) : [value.trim()];
          for (const url of urls) {
            const ref = { url, tag, attribute, label };
            refs.push(ref);
            if (tag === 'a') open.push(ref);
          }
        }
      },
      ontext(text) {
        for (const ref of open) ref.label += text;
      },
      onclosetag(tag) {
        if (tag !== 'a') return;
        for (const ref of open.splice(0)) ref.label = ref.label.replace(/\s+/g, ' ').trim();
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return { refs, ids };
}
