//! The reports as files: CSV (UTF-8 with a BOM so spreadsheet programs read Vietnamese right,
//! every cell that a spreadsheet would take for a formula neutralised) and the zero-scan list as
//! an A4 PDF (pages drawn as SVG, converted by [`crate::pdf`]). For publication, counts below
//! [`PUBLISH_MIN_COUNT`] are written `< 5`.

use vaora_protocol::reports::{UnitDashboard, UnitFigures, ZeroScanList, PUBLISH_MIN_COUNT};

use crate::local_day::LocalDay;
use crate::pdf::{self, escape, PdfError};

/// A count as printed: `< 5` for small counts when the file is for publication.
pub fn count(value: u64, publish: bool) -> String {
    if publish && value < PUBLISH_MIN_COUNT {
        format!("< {PUBLISH_MIN_COUNT}")
    } else {
        value.to_string()
    }
}

/// A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a
/// leading `'`.
pub fn neutralised(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// CSV text of `rows` with a UTF-8 BOM, cells neutralised and quoted where needed.
fn csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(&mut out);
    for row in rows {
        // Writing into memory cannot fail.
        let _ = writer.write_record(row.iter().map(|cell| neutralised(cell)));
    }
    drop(writer);
    out
}

/// Roman numerals for the group rows (I, II, …), as such tables number their sections.
fn roman(mut n: usize) -> String {
    const DIGITS: [(usize, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, digits) in DIGITS {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

/// One row of the zero-scan table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRow {
    pub stt: String,
    pub unit: String,
    pub count: String,
    /// A group's or the total's row (printed bold).
    pub heading: bool,
}

/// The zero-scan list as the table `Stt | Đơn vị | Số lượng`: per parent unit a row (I, II, …)
/// with its subtotal, then its wards numbered on from 1 across the table; last `Tổng cộng`
/// with the number of wards and their venues.
pub fn zero_scan_rows(list: &ZeroScanList, publish: bool) -> Vec<TableRow> {
    let mut rows = Vec::new();
    let mut number = 0;
    for (index, group) in list.groups.iter().enumerate() {
        rows.push(TableRow {
            stt: roman(index + 1),
            unit: group.parent_name.clone(),
            count: count(group.venues, publish),
            heading: true,
        });
        for unit in &group.units {
            number += 1;
            rows.push(TableRow {
                stt: number.to_string(),
                unit: unit.name.clone(),
                count: count(unit.venues, publish),
                heading: false,
            });
        }
    }
    rows.push(TableRow {
        stt: String::new(),
        unit: format!("Tổng cộng ({} đơn vị)", list.total_units),
        count: count(list.total_venues, publish),
        heading: true,
    });
    rows
}

/// The table's header.
const HEADER: [&str; 3] = ["Stt", "Đơn vị", "Số lượng"];

/// The zero-scan list as CSV: its title, the header, the table.
pub fn zero_scan_csv(list: &ZeroScanList, publish: bool) -> Vec<u8> {
    let mut rows = vec![
        vec![list.title.clone()],
        HEADER.iter().map(|h| h.to_string()).collect(),
    ];
    rows.extend(
        zero_scan_rows(list, publish)
            .into_iter()
            .map(|row| vec![row.stt, row.unit, row.count]),
    );
    csv(&rows)
}

/// A dashboard's child units as CSV (the unit's own figures last, as `Tổng cộng`).
pub fn units_csv(dashboard: &UnitDashboard, publish: bool) -> Vec<u8> {
    let day = LocalDay::parse(&dashboard.day).map_or(dashboard.day.clone(), LocalDay::dmy);
    let mut rows = vec![
        vec![format!(
            "Số liệu quét mã QR ngày {day} — {}",
            dashboard.unit.name
        )],
        [
            "Mã đơn vị",
            "Đơn vị",
            "Điểm có mã QR",
            "Điểm có lượt quét trong ngày",
            "Điểm có lượt quét trong 7 ngày",
            "Lượt quét",
            "Người quét",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect(),
    ];
    let figures = |unit: &UnitFigures, name: String| {
        vec![
            unit.unit_code.clone(),
            name,
            count(unit.venues_with_code, publish),
            count(unit.venues_active_day, publish),
            count(unit.venues_active_7_days, publish),
            count(unit.checkins, publish),
            count(unit.visitors, publish),
        ]
    };
    rows.extend(
        dashboard
            .children
            .iter()
            .map(|u| figures(u, u.name.clone())),
    );
    rows.push(figures(
        &dashboard.unit,
        format!("Tổng cộng — {}", dashboard.unit.name),
    ));
    csv(&rows)
}

/// Table rows on one A4 page (below the title and header).
pub const ROWS_PER_PAGE: usize = 34;
/// Row height, mm.
const ROW_MM: f64 = 7.0;
/// The table's columns: left edges and the right edge, mm.
const COLUMNS: [f64; 4] = [15.0, 32.0, 160.0, 195.0];

/// The zero-scan list as A4 pages (SVG): the title on each page, the header repeated above each
/// page's rows, page numbers at the foot.
pub fn zero_scan_pages(list: &ZeroScanList, publish: bool) -> Vec<String> {
    let rows = zero_scan_rows(list, publish);
    let pages: Vec<&[TableRow]> = rows.chunks(ROWS_PER_PAGE).collect();
    let title_size = pdf::fitted_size(&list.title, "bold", 5.0, 180.0);
    pages
        .iter()
        .enumerate()
        .map(|(index, page)| {
            let mut svg = format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297">
<rect width="210" height="297" fill="#fff"/>
<text x="105" y="20" font-family="sans-serif" font-size="{title_size:.2}" font-weight="bold" text-anchor="middle">{}</text>
"##,
                escape(&list.title)
            );
            let top = 30.0;
            svg.push_str(&row_svg(top, &HEADER.map(str::to_owned), true, true));
            for (i, row) in page.iter().enumerate() {
                let cells = [row.stt.clone(), row.unit.clone(), row.count.clone()];
                svg.push_str(&row_svg(
                    top + ROW_MM * (i + 1) as f64,
                    &cells,
                    row.heading,
                    false,
                ));
            }
            svg.push_str(&format!(
                "<text x=\"105\" y=\"288\" font-family=\"sans-serif\" font-size=\"3.5\" text-anchor=\"middle\" fill=\"#555\">Trang {} / {}</text>\n</svg>\n",
                index + 1,
                pages.len()
            ));
            svg
        })
        .collect()
}

/// One table row at `top` (mm): its cells framed, text bold for headings.
fn row_svg(top: f64, cells: &[String; 3], bold: bool, shaded: bool) -> String {
    let (left, right) = (COLUMNS[0], COLUMNS[3]);
    let weight = if bold { "bold" } else { "normal" };
    let mut svg = String::new();
    if shaded {
        svg.push_str(&format!(
            "<rect x=\"{left}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{ROW_MM}\" fill=\"#e8e8e8\"/>\n",
            right - left
        ));
    }
    svg.push_str(&format!(
        "<rect x=\"{left}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{ROW_MM}\" fill=\"none\" stroke=\"#000\" stroke-width=\"0.2\"/>\n",
        right - left
    ));
    for edge in &COLUMNS[1..3] {
        svg.push_str(&format!(
            "<line x1=\"{edge}\" y1=\"{top:.1}\" x2=\"{edge}\" y2=\"{:.1}\" stroke=\"#000\" stroke-width=\"0.2\"/>\n",
            top + ROW_MM
        ));
    }
    let baseline = top + ROW_MM - 2.2;
    let unit_size = pdf::fitted_size(
        &cells[1],
        weight,
        3.8,
        (COLUMNS[2] - COLUMNS[1] - 4.0) as f32,
    );
    let texts = [
        ((COLUMNS[0] + COLUMNS[1]) / 2.0, "middle", 3.8),
        (COLUMNS[1] + 2.0, "start", unit_size),
        (COLUMNS[3] - 2.0, "end", 3.8),
    ];
    for ((x, anchor, size), cell) in texts.iter().zip(cells) {
        svg.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{baseline:.1}\" font-family=\"sans-serif\" font-size=\"{size:.2}\" font-weight=\"{weight}\" text-anchor=\"{anchor}\">{}</text>\n",
            escape(cell)
        ));
    }
    svg
}

/// The zero-scan list as a PDF.
pub fn zero_scan_pdf(list: &ZeroScanList, publish: bool) -> Result<Vec<u8>, PdfError> {
    pdf::a4_pages(&zero_scan_pages(list, publish))
}

#[cfg(test)]
mod tests {
    use super::*;
    use vaora_protocol::reports::{ZeroScanGroup, ZeroScanUnit};

    fn list(wards: usize) -> ZeroScanList {
        let units: Vec<ZeroScanUnit> = (0..wards)
            .map(|i| ZeroScanUnit {
                unit_code: format!("{:05}", 100 + i),
                name: if i == 0 {
                    "=HYPERLINK(\"x\")".into()
                } else {
                    format!("Xã Số {i}")
                },
                venues: i as u64,
            })
            .collect();
        let venues = units.iter().map(|u| u.venues).sum();
        ZeroScanList {
            unit_code: "01".into(),
            unit_name: "Hà Nội".into(),
            day: "2021-08-14".into(),
            title: "Danh sách đơn vị không có lượt quét mã QR ngày 14/08/2021 — Hà Nội".into(),
            groups: vec![ZeroScanGroup {
                parent_code: Some("282".into()),
                parent_name: "Huyện Mỹ Đức".into(),
                venues,
                units,
            }],
            total_units: wards as u64,
            total_venues: venues,
        }
    }

    #[test]
    fn formulas_are_neutralised_and_other_cells_kept() {
        for cell in ["=1+1", "+84912", "-3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralised(cell), format!("'{cell}"));
        }
        for cell in ["Xã Đồng Tâm", "12", "", "a=b"] {
            assert_eq!(neutralised(cell), cell);
        }
    }

    #[test]
    fn small_counts_are_hidden_only_for_publication() {
        assert_eq!(count(0, true), "< 5");
        assert_eq!(count(4, true), "< 5");
        assert_eq!(count(5, true), "5");
        assert_eq!(count(3, false), "3");
    }

    #[test]
    fn the_csv_is_the_table_with_bom_and_neutralised_cells() {
        let text = String::from_utf8(zero_scan_csv(&list(7), true)).expect("utf-8");
        let text = text.strip_prefix('\u{feff}').expect("BOM");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "Stt,Đơn vị,Số lượng");
        assert_eq!(lines[2], "I,Huyện Mỹ Đức,21");
        assert_eq!(lines[3], "1,\"'=HYPERLINK(\"\"x\"\")\",< 5");
        assert_eq!(lines[8], "6,Xã Số 5,5");
        assert_eq!(lines.last().copied(), Some(",Tổng cộng (7 đơn vị),21"));
        assert_eq!(roman(4), "IV");
        assert_eq!(roman(14), "XIV");
    }

    #[test]
    fn long_lists_take_several_pages_each_with_the_header() {
        // 1 group row + 80 wards + the total: 82 rows.
        let pages = zero_scan_pages(&list(80), false);
        assert_eq!(pages.len(), 82usize.div_ceil(ROWS_PER_PAGE));
        for page in &pages {
            assert!(page.contains(">Stt<") && page.contains(">Số lượng<"));
            crate::pdf::tree(page).expect("valid SVG");
        }
        assert!(pages[2].contains("Tổng cộng (80 đơn vị)"));
        let pdf = zero_scan_pdf(&list(80), false).expect("pdf");
        assert!(pdf.starts_with(b"%PDF"));
    }
}
