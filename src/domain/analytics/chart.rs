//! The geometry of the server-rendered SVG bar charts: pure layout in SVG user units, so
//! the page only prints the numbers.

/// One bar of a chart, in SVG user units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
    /// Where the label text is centred.
    pub label_x: i64,
    pub label: String,
    pub value: i64,
}

/// A bar chart laid out for an SVG `viewBox="0 0 width height"`: the bars, the baseline
/// and the largest value (for the axis text). Labels go below the baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    pub width: i64,
    pub height: i64,
    pub baseline: i64,
    pub max: i64,
    pub bars: Vec<Bar>,
    /// Only every n-th label is printed so they do not overlap.
    pub label_every: usize,
}

impl BarChart {
    /// Whether the label of bar `i` is printed.
    pub fn shows_label(&self, i: &usize) -> bool {
        self.label_every <= 1 || i.is_multiple_of(self.label_every)
    }
}

/// Lays out `series` (label, value) as vertical bars in a `width` × `height` box. Bars are
/// scaled to the largest value; a zero value has no bar. Negative values count as zero.
pub fn bar_chart(series: &[(String, i64)], width: i64, height: i64) -> BarChart {
    const LABEL_SPACE: i64 = 20;
    const TOP: i64 = 14;
    const SIDE: i64 = 8;
    let baseline = height - LABEL_SPACE;
    let plot = (baseline - TOP).max(1);
    let max = series.iter().map(|(_, v)| *v).max().unwrap_or(0).max(0);
    let n = series.len().max(1) as i64;
    let slot = ((width - 2 * SIDE) / n).max(1);
    let bar_w = (slot * 7 / 10).max(1);
    let bars = series
        .iter()
        .enumerate()
        .map(|(i, (label, v))| {
            let v = (*v).max(0);
            let h = if max == 0 { 0 } else { v * plot / max };
            let x = SIDE + i as i64 * slot + (slot - bar_w) / 2;
            Bar {
                x,
                y: baseline - h,
                width: bar_w,
                height: h,
                label_x: x + bar_w / 2,
                label: label.clone(),
                value: v,
            }
        })
        .collect();
    // About 6 characters of label need 40 units.
    let label_every = (40 / slot).max(0) as usize + 1;
    BarChart {
        width,
        height,
        baseline,
        max,
        bars,
        label_every,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value() {
        let s = vec![("a".to_string(), 2), ("b".to_string(), 4), ("c".into(), 0)];
        let c = bar_chart(&s, 316, 120);
        assert_eq!(c.max, 4);
        assert_eq!(c.baseline, 100);
        assert_eq!(c.bars[1].height, 86, "the tallest bar fills the plot");
        assert_eq!(c.bars[0].height, 43);
        assert_eq!(c.bars[2].height, 0);
        assert_eq!(c.bars[1].y + c.bars[1].height, c.baseline);
        assert!(
            c.bars[0].x + c.bars[0].width < c.bars[1].x,
            "bars do not touch"
        );
        let empty = bar_chart(&[], 300, 100);
        assert!(empty.bars.is_empty());
        assert_eq!(empty.max, 0);
    }
}
