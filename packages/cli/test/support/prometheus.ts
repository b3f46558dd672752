import parsePrometheusTextFormat from "parse-prometheus-text-format";

interface Family {
  name: string;
  type: string;
  metrics: { value: string; labels?: Record<string, string> }[];
}

/** A scrape, parsed by a Prometheus text-format parser: each metric's samples by name. */
export interface Scrape {
  status: number;
  contentType: string | null;
  text: string;
  families: Map<string, Family>;
  /** The value of `name` with exactly `labels`, or undefined when there is no such series. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** The label values of `label` over every series of `name`. */
  labelValues(name: string, label: string): string[];
}

export async function scrape(url: string): Promise<Scrape> {
  const response = await fetch(url);
  const text = await response.text();
  const families = new Map((parsePrometheusTextFormat(text) as Family[]).map((family) => [family.name, family]));
  const same = (a: Record<string, string>, b: Record<string, string>) =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    text,
    families,
    value(name, labels = {}) {
      const sample = families.get(name)?.metrics.find((metric) => same(metric.labels ?? {}, labels));
      return sample === undefined ? undefined : Number(sample.value);
    },
    labelValues(name, label) {
      return (families.get(name)?.metrics ?? []).map((metric) => metric.labels?.[label] ?? "");
    },
  };
}
