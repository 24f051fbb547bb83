/**
 * Series colours from the Okabe–Ito palette, which stays distinguishable under the common forms
 * of colour blindness. Each series also gets its own dash pattern, and every chart names its
 * series in a legend, so no reading depends on colour alone.
 */
export interface SeriesStyle {
  stroke: string;
  dash: number[];
}

const DASHES: readonly number[][] = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 2], [8, 6]];

const LIGHT = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"] as const;
// Lighter members of the same families, for contrast on a dark background.
const DARK = ["#56B4E9", "#FF8F4D", "#2BCB9E", "#E69AC8", "#F0C24B", "#9AD3F5"] as const;

export function seriesStyle(index: number, dark: boolean): SeriesStyle {
  const colours = dark ? DARK : LIGHT;
  return {
    stroke: colours[index % colours.length] ?? colours[0],
    dash: DASHES[index % DASHES.length] ?? [],
  };
}

export interface ChartChrome {
  axis: string;
  grid: string;
  marker: string;
}

export function chartChrome(dark: boolean): ChartChrome {
  return dark
    ? { axis: "#cbd5e1", grid: "rgba(148, 163, 184, 0.18)", marker: "#f0e442" }
    : { axis: "#334155", grid: "rgba(100, 116, 139, 0.18)", marker: "#6b21a8" };
}
