//! The 14-day trend as an SVG drawn here: a bar per day for check-ins, a line with a point per
//! day for the venues with scans, axes with labels, a `<title>`/`<desc>`, and the same numbers
//! in a table for screen readers and for printing.

use std::fmt::Write;

use vaora_protocol::reports::TrendDay;

use super::escape;
use super::text::{Lang, T};

const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 36.0;

/// The axis' top: the smallest "round" number (1, 2 or 5 times a power of ten) ≥ `max`.
fn axis_top(max: u64) -> u64 {
    let mut step = 1;
    loop {
        for factor in [1, 2, 5] {
            if step * factor >= max.max(1) {
                return step * factor;
            }
        }
        step *= 10;
    }
}

/// The chart (SVG) followed by its data table.
pub fn trend(days: &[TrendDay], lang: Lang) -> String {
    let top = axis_top(
        days.iter()
            .map(|day| day.checkins.max(day.active_venues))
            .max()
            .unwrap_or(0),
    );
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = plot_w / days.len().max(1) as f64;
    let y = |value: u64| TOP + plot_h - plot_h * value as f64 / top as f64;
    let x = |index: usize| LEFT + slot * (index as f64 + 0.5);
    let mut svg = String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="trend-title trend-desc"><title id="trend-title">{}</title><desc id="trend-desc">{}</desc>"#,
        escape(T::Trend.get(lang)),
        escape(T::TrendDesc.get(lang)),
    );
    // Axes and the value grid: 0, half and top.
    for value in [0, top / 2, top] {
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text class="label" x="{}" y="{:.1}" text-anchor="end">{value}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y(value) + 6.0,
            y = y(value),
        );
    }
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{}"/>"#,
        TOP + plot_h
    );
    for (index, day) in days.iter().enumerate() {
        let height = TOP + plot_h - y(day.checkins);
        let _ = write!(
            svg,
            r#"<rect class="bar" data-day="{}" x="{:.1}" y="{:.1}" width="{:.1}" height="{height:.1}"/>"#,
            escape(&day.day),
            x(index) - slot * 0.35,
            y(day.checkins),
            slot * 0.7,
        );
        // Day of the month under every other bar, counted from the last day (always labelled),
        // so the labels never collide at 360 px.
        if (days.len() - 1 - index) % 2 == 0 {
            let _ = write!(
                svg,
                r#"<text class="label" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
                x(index),
                HEIGHT - BOTTOM + 24.0,
                escape(day.day.get(8..10).unwrap_or(&day.day)),
            );
        }
    }
    let points: Vec<String> = days
        .iter()
        .enumerate()
        .map(|(index, day)| format!("{:.1},{:.1}", x(index), y(day.active_venues)))
        .collect();
    let _ = write!(
        svg,
        r#"<polyline class="line" points="{}"/>"#,
        points.join(" ")
    );
    for (index, day) in days.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<circle class="point" data-day="{}" cx="{:.1}" cy="{:.1}" r="3.5"/>"#,
            escape(&day.day),
            x(index),
            y(day.active_venues),
        );
    }
    svg.push_str("</svg>");
    let _ = write!(
        svg,
        r#"<p class="legend"><span class="key key-bar"></span>{}<span class="key key-line"></span>{}</p>"#,
        escape(T::Checkins.get(lang)),
        escape(T::ActiveDay.get(lang)),
    );
    let _ = write!(
        svg,
        r#"<details class="chart-data"><summary>{}</summary><table><caption>{}</caption><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>"#,
        escape(T::ChartTable.get(lang)),
        escape(T::Trend.get(lang)),
        escape(T::Day.get(lang)),
        escape(T::Checkins.get(lang)),
        escape(T::ActiveDay.get(lang)),
    );
    for day in days {
        let _ = write!(
            svg,
            r#"<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>"#,
            escape(&day.day),
            day.checkins,
            day.active_venues
        );
    }
    svg.push_str("</tbody></table></details>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: u64) -> TrendDay {
        TrendDay {
            day: format!("2021-08-{:02}", n + 1),
            checkins: n * 3,
            active_venues: n,
            visitors: n,
        }
    }

    #[test]
    fn one_bar_and_one_point_per_day_on_a_round_axis() {
        let days: Vec<TrendDay> = (0..14).map(day).collect();
        let svg = trend(&days, Lang::Vi);
        assert_eq!(svg.matches("<rect class=\"bar\"").count(), 14);
        assert_eq!(svg.matches("<circle class=\"point\"").count(), 14);
        assert_eq!(svg.matches("<tr><th scope=\"row\">").count(), 14);
        // The largest value is 39: the axis goes to 50.
        assert!(svg.contains(">50</text>"));
        assert_eq!(axis_top(0), 1);
        assert_eq!(axis_top(1), 1);
        assert_eq!(axis_top(3), 5);
        assert_eq!(axis_top(11), 20);
        assert_eq!(axis_top(200), 200);
    }
}
