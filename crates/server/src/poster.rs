//! Printable A4 posters: one SVG layout (the venue's name, ward and address, bilingual
//! instructions, the QR with its symbol 156 mm wide — the spec asks ≥ 15 cm —, the short code
//! and the issue date), served as SVG, or converted by `svg2pdf` into PDF pages (one venue, or
//! one page per venue for a bulk print). The PDF's text is set in DejaVu fonts compiled into the
//! binary, never the system's, and embedded (subset) in the file, so it prints the same
//! everywhere and Vietnamese diacritics always render.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref};
use qrcode::{Color, EcLevel, QrCode};
use svg2pdf::usvg::{self, fontdb};

use crate::store::VenueRow;

/// Side of the QR symbol (its modules, without the quiet zone), in mm.
pub const QR_SIDE_MM: f64 = 156.0;
/// A4 in mm.
const PAGE_MM: (f64, f64) = (210.0, 297.0);
/// PDF points per mm.
const PT_PER_MM: f64 = 72.0 / 25.4;
/// Vietnam's clock (UTC+7, no daylight saving), for the issue date.
const VIETNAM_OFFSET_MS: i64 = 7 * 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// What a poster shows besides the venue row.
pub struct Poster<'a> {
    pub venue: &'a VenueRow,
    /// The venue's signed poster URL, which the QR encodes.
    pub url: &'a str,
    /// The ward (or other unit) by name, or its code when the unit is not known.
    pub ward: &'a str,
    pub address: Option<&'a str>,
    /// When the venue was registered (unix ms): the poster's issue date.
    pub issued_at: i64,
}

/// Why a poster could not be made.
#[derive(Debug)]
pub enum PosterError {
    Qr(qrcode::types::QrError),
    Svg(usvg::Error),
    Pdf(svg2pdf::ConversionError),
}

impl std::fmt::Display for PosterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Qr(err) => write!(f, "QR: {err}"),
            Self::Svg(err) => write!(f, "SVG: {err}"),
            Self::Pdf(err) => write!(f, "PDF: {err}"),
        }
    }
}

impl std::error::Error for PosterError {}

/// Renders the poster as an A4 SVG (mm user units). Its text uses the generic families
/// `sans-serif` and `monospace` only; [`fonts`] maps them to DejaVu for the PDF.
pub fn render(poster: &Poster<'_>) -> Result<String, PosterError> {
    let code = QrCode::with_error_correction_level(poster.url.as_bytes(), EcLevel::M)
        .map_err(PosterError::Qr)?;
    let width = code.width();
    let mut path = String::new();
    for (index, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (x, y) = (index % width, index / width);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    // The quiet zone (4 modules) is left blank around the symbol; text stays out of it.
    let quiet = 4.0 * QR_SIDE_MM / width as f64;
    let qr_top = 46.0 + quiet;
    let qr_left = (PAGE_MM.0 - QR_SIDE_MM) / 2.0;
    let below = qr_top + QR_SIDE_MM + quiet;
    let name_size = fitted_size(&poster.venue.name, "bold", 10.0);
    let name = escape(&poster.venue.name);
    let ward_size = fitted_size(poster.ward, "normal", 5.0);
    let ward = escape(poster.ward);
    let address = poster.address.map_or(String::new(), |address| {
        format!(
            "\n<text x=\"105\" y=\"31\" font-family=\"sans-serif\" font-size=\"{:.2}\" text-anchor=\"middle\" fill=\"#333\">{}</text>",
            fitted_size(address, "normal", 4.5),
            escape(address)
        )
    });
    let short = escape(&poster.venue.short_code.display());
    let issued = issue_date(poster.issued_at);
    let unit = escape(&poster.venue.unit_code);
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297">
<rect width="210" height="297" fill="#fff"/>
<text x="105" y="18" font-family="sans-serif" font-size="{name_size:.2}" font-weight="bold" text-anchor="middle">{name}</text>
<text x="105" y="25" font-family="sans-serif" font-size="{ward_size:.2}" text-anchor="middle" fill="#333">{ward}</text>{address}
<text x="105" y="38" font-family="sans-serif" font-size="5.5" text-anchor="middle">Quét mã bằng camera điện thoại để khai báo và check-in</text>
<text x="105" y="44" font-family="sans-serif" font-size="4.5" text-anchor="middle" fill="#333">Scan with your phone camera to declare and check in</text>
<svg x="{qr_left:.3}" y="{qr_top:.3}" width="{QR_SIDE_MM}" height="{QR_SIDE_MM}" viewBox="0 0 {width} {width}" shape-rendering="crispEdges"><path id="qr" d="{path}" fill="#000"/></svg>
<text x="105" y="{cant:.3}" font-family="sans-serif" font-size="5" text-anchor="middle">Không quét được? Nhập mã / Can't scan? Enter the code:</text>
<text x="105" y="{code:.3}" font-family="monospace" font-size="14" font-weight="bold" text-anchor="middle">{short}</text>
<text x="105" y="{date:.3}" font-family="sans-serif" font-size="4.5" text-anchor="middle" fill="#333">Ngày cấp / Issued: {issued}</text>
<text x="105" y="291" font-family="sans-serif" font-size="4" text-anchor="middle" fill="#555">Vaora · {unit}</text>
</svg>
"##,
        cant = below + 6.0,
        code = below + 19.0,
        date = below + 27.0,
    ))
}

/// Widest a line of text may be, in mm (the page less 10 mm margins).
const LINE_MM: f32 = 190.0;

/// `size`, or smaller so that `text` set in DejaVu Sans (`weight`) fits on one line: long
/// names shrink instead of running off the page.
fn fitted_size(text: &str, weight: &str, size: f32) -> f32 {
    let probe = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="100"><text x="0" y="50" font-family="sans-serif" font-size="{size}" font-weight="{weight}">{}</text></svg>"#,
        escape(text)
    );
    let width = tree(&probe)
        .ok()
        .map(|tree| tree.root().abs_bounding_box().width())
        .unwrap_or(0.0);
    if width > LINE_MM {
        size * LINE_MM / width
    } else {
        size
    }
}

/// The date of `unix_ms` in Vietnam as `dd/mm/yyyy`.
pub fn issue_date(unix_ms: i64) -> String {
    let days = (unix_ms + VIETNAM_OFFSET_MS).div_euclid(DAY_MS);
    let (year, month, day) = civil_from_days(days);
    format!("{day:02}/{month:02}/{year:04}")
}

/// The date and time of `unix_ms` in Vietnam as `dd/mm/yyyy HH:MM`.
pub fn local_date_time(unix_ms: i64) -> String {
    let minutes = (unix_ms + VIETNAM_OFFSET_MS).rem_euclid(DAY_MS) / 60_000;
    format!(
        "{} {:02}:{:02}",
        issue_date(unix_ms),
        minutes / 60,
        minutes % 60
    )
}

/// Days since 1970-01-01 → proleptic Gregorian (year, month, day) (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The only fonts posters are set in: DejaVu Sans (regular, bold) and Sans Mono (regular,
/// bold), compiled in; `sans-serif` and `monospace` name them. No system font is ever loaded.
pub fn fonts() -> Arc<fontdb::Database> {
    static FONTS: LazyLock<Arc<fontdb::Database>> = LazyLock::new(|| {
        let mut db = fontdb::Database::new();
        for data in [
            dejavu::sans::regular(),
            dejavu::sans::bold(),
            dejavu::sans_mono::regular(),
            dejavu::sans_mono::bold(),
        ] {
            db.load_font_source(fontdb::Source::Binary(Arc::new(data)));
        }
        db.set_sans_serif_family("DejaVu Sans");
        db.set_monospace_family("DejaVu Sans Mono");
        Arc::new(db)
    });
    FONTS.clone()
}

/// Parses a poster SVG with [`fonts`] (text is laid out here, so the PDF and any raster
/// rendering agree).
pub fn tree(svg: &str) -> Result<usvg::Tree, PosterError> {
    let options = usvg::Options {
        font_family: "DejaVu Sans".into(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &options).map_err(PosterError::Svg)
}

/// One PDF with an A4 page per poster SVG, in order. Each page is the SVG converted by
/// `svg2pdf` into a form XObject, scaled to the page; fonts are subset and embedded.
pub fn pdf(svgs: &[String]) -> Result<Vec<u8>, PosterError> {
    let (width, height) = (PAGE_MM.0 * PT_PER_MM, PAGE_MM.1 * PT_PER_MM);
    let mut alloc = Ref::new(1);
    let catalog = alloc.bump();
    let pages = alloc.bump();
    let mut pdf = Pdf::new();
    let mut page_refs = Vec::with_capacity(svgs.len());
    let poster_name = Name(b"Poster");
    for svg in svgs {
        let tree = tree(svg)?;
        let (chunk, xobject) = svg2pdf::to_chunk(&tree, svg2pdf::ConversionOptions::default())
            .map_err(PosterError::Pdf)?;
        let mut renumbered = HashMap::new();
        let chunk = chunk.renumber(|old| *renumbered.entry(old).or_insert_with(|| alloc.bump()));
        let xobject = renumbered
            .get(&xobject)
            .copied()
            .ok_or(PosterError::Pdf(svg2pdf::ConversionError::UnknownError))?;
        let page = alloc.bump();
        let content = alloc.bump();
        page_refs.push(page);
        let mut writer = pdf.page(page);
        writer.media_box(Rect::new(0.0, 0.0, width as f32, height as f32));
        writer.parent(pages);
        writer.contents(content);
        writer.resources().x_objects().pair(poster_name, xobject);
        writer.finish();
        let mut stream = Content::new();
        // The XObject is 1 × 1 pt, like an image: scale it to the page.
        stream
            .transform([width as f32, 0.0, 0.0, height as f32, 0.0, 0.0])
            .x_object(poster_name);
        pdf.stream(content, &stream.finish());
        pdf.extend(&chunk);
    }
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages)
        .count(page_refs.len() as i32)
        .kids(page_refs);
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use vaora_protocol::short_code::ShortCode;

    fn venue(name: &str) -> VenueRow {
        VenueRow {
            id: 7,
            short_code: ShortCode::from_random([1, 2, 3, 4, 5]),
            name: name.into(),
            unit_code: "00004".into(),
            venue_code: "CODE".into(),
            revoked_at: None,
            kind: vaora_protocol::api::VenueKind::Market,
            address: String::new(),
            contact: String::new(),
        }
    }

    #[test]
    fn issue_dates_are_vietnam_calendar_days() {
        // 2026-11-23 16:59 UTC is 23:59 in Hà Nội; a minute later it is the 24th there.
        assert_eq!(issue_date(1_795_453_140_000), "23/11/2026");
        assert_eq!(issue_date(1_795_453_200_000), "24/11/2026");
        assert_eq!(issue_date(0), "01/01/1970");
        // A leap day.
        assert_eq!(issue_date(1_709_164_800_000), "29/02/2024");
    }

    #[test]
    fn the_poster_shows_ward_address_and_issue_date_with_text_escaped() {
        let venue = venue("Cà phê <Tô> & \"Bạn\"");
        let svg = render(&Poster {
            venue: &venue,
            url: "https://vaora.example/c#ABC",
            ward: "Phường Bến Nghé",
            address: Some("12 Lê Lợi 'A'"),
            issued_at: 1_795_453_140_000,
        })
        .expect("poster");
        assert!(
            svg.contains("Cà phê &lt;Tô&gt; &amp; &quot;Bạn&quot;"),
            "{svg}"
        );
        assert!(svg.contains(">Phường Bến Nghé<"));
        assert!(svg.contains(">12 Lê Lợi &apos;A&apos;<"));
        assert!(svg.contains("Ngày cấp / Issued: 23/11/2026"));
        let vi = svg.find("Quét mã").expect("Vietnamese");
        let en = svg.find("Scan with").expect("English");
        assert!(vi < en, "Vietnamese first");
        tree(&svg).expect("parses");
    }

    #[test]
    fn without_an_address_no_line_is_left_for_it() {
        let venue = venue("Chợ");
        let svg = render(&Poster {
            venue: &venue,
            url: "https://vaora.example/c#ABC",
            ward: "00004",
            address: None,
            issued_at: 0,
        })
        .expect("poster");
        assert_eq!(svg.matches("<text").count(), 8);
    }

    #[test]
    fn long_names_shrink_to_fit_the_page() {
        assert_eq!(fitted_size("Chợ Mỹ Đức", "bold", 10.0), 10.0);
        let long =
            "Nhà văn hoá thôn Đồng Tâm và trung tâm học tập cộng đồng xã Đồng Tâm, huyện Mỹ Đức";
        let size = fitted_size(long, "bold", 10.0);
        assert!(size < 5.0 && size > 2.0, "{size}");
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="100"><text x="0" y="50" font-family="sans-serif" font-size="{size}" font-weight="bold">{long}</text></svg>"#
        );
        let width = tree(&svg).expect("tree").root().abs_bounding_box().width();
        assert!(width <= LINE_MM + 0.5, "{width}");
    }

    #[test]
    fn only_dejavu_is_loaded() {
        let fonts = fonts();
        assert_eq!(fonts.len(), 4);
        assert!(fonts.faces().all(|face| face
            .families
            .iter()
            .any(|(name, _)| name.starts_with("DejaVu"))));
    }
}
