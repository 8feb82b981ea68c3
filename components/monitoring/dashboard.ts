/**
 * Typed Cloud Monitoring dashboard objects (the v1 Dashboard API's JSON), so a dashboard is built
 * and checked as data, then serialized once into `dashboardJson`.
 */

export interface TimeSeriesQuery {
  timeSeriesFilter?: {
    filter: string;
    aggregation?: {
      alignmentPeriod?: string;
      perSeriesAligner?: string;
      crossSeriesReducer?: string;
      groupByFields?: string[];
    };
  };
  prometheusQuery?: string;
}

export interface XyChartWidget {
  title: string;
  xyChart: {
    dataSets: {
      timeSeriesQuery: TimeSeriesQuery;
      plotType: "LINE" | "STACKED_AREA";
      legendTemplate?: string;
    }[];
    thresholds?: { value: number; label?: string; color?: "YELLOW" | "RED" }[];
    yAxis?: { label: string; scale: "LINEAR" | "LOG10" };
  };
}

export interface ScorecardWidget {
  title: string;
  scorecard: {
    timeSeriesQuery: TimeSeriesQuery;
    thresholds?: { value: number; color: "YELLOW" | "RED"; direction: "ABOVE" | "BELOW" }[];
  };
}

export interface TextWidget {
  title: string;
  text: { content: string; format: "MARKDOWN" };
}

export type Widget = XyChartWidget | ScorecardWidget | TextWidget;

export interface Tile {
  xPos: number;
  yPos: number;
  width: number;
  height: number;
  widget: Widget;
}

export interface Dashboard {
  displayName: string;
  mosaicLayout: { columns: number; tiles: Tile[] };
  labels?: Record<string, string>;
}

/** The mosaic layout has 48 columns; widgets are laid out two per row. */
export const DASHBOARD_COLUMNS = 48;

/** Lays widgets out left to right, two per row, each half the width and 16 rows high. */
export function mosaic(displayName: string, widgets: Widget[], labels?: Record<string, string>): Dashboard {
  const width = DASHBOARD_COLUMNS / 2;
  const height = 16;
  return {
    displayName,
    mosaicLayout: {
      columns: DASHBOARD_COLUMNS,
      tiles: widgets.map((widget, index) => ({
        xPos: (index % 2) * width,
        yPos: Math.floor(index / 2) * height,
        width,
        height,
        widget,
      })),
    },
    ...(labels ? { labels } : {}),
  };
}

export function dashboardJson(dashboard: Dashboard): string {
  return JSON.stringify(dashboard);
}
